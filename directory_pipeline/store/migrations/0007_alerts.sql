-- Fleet alerts (issue 15): each alert recorded once under its stable key, then posted to the
-- webhook until it is delivered (at least once; `sent_at` set on a 2xx answer). `payload` is
-- the exact body posted, built from whitelisted fields only; `last_error` says why the last
-- post failed (a status or an error class, never the webhook's address).
create table if not exists alerts (
    id bigint generated always as identity primary key,
    alert_key text not null unique,
    kind text not null
        check (kind in ('health_check_failed', 'job_ended_badly', 'dead_letters')),
    severity text not null check (severity in ('warning', 'error')),
    title text not null,
    payload jsonb not null,
    created_at timestamptz not null default now(),
    sent_at timestamptz,
    attempts integer not null default 0,
    last_attempt_at timestamptz,
    last_error text
);

create index if not exists alerts_unsent on alerts (created_at) where sent_at is null;
