-- What the submission engine needs: a cache of form plans and an attempt journal.

-- One plan per (directory, form fingerprint): a form seen before costs no model call, a
-- changed form gets a new fingerprint and therefore a new plan.
create table if not exists form_plans (
    directory_slug text not null,
    fingerprint    text not null,
    plan           jsonb not null,
    created_at     timestamptz not null default now(),
    last_used_at   timestamptz not null default now(),
    use_count      integer not null default 0,
    primary key (directory_slug, fingerprint)
);

-- Exactly-once submissions: a row is written with the intent before the submit click and
-- completed with the result after it. A row with intent but no result means the outcome is
-- unknown, and the (job, directory) is left for review instead of being submitted again.
create table if not exists submission_attempts (
    id               bigint generated always as identity primary key,
    job_id           uuid not null,
    directory_slug   text not null,
    attempt_no       integer not null,
    forced           boolean not null default false,
    plan_fingerprint text,
    intent_at        timestamptz not null default now(),
    result_at        timestamptz,
    status           text,
    error            text,
    evidence_uri     text,
    unique (job_id, directory_slug, attempt_no)
);

do $$ begin
    alter table submission_attempts add constraint submission_attempts_status_check
        check (status is null or status in
            ('submitted', 'live', 'needs_review', 'rejected', 'skipped', 'failed'));
exception when duplicate_object then null; end $$;

create index if not exists submission_attempts_open_idx
    on submission_attempts (job_id, directory_slug) where result_at is null;
