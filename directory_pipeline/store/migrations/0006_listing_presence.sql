-- Following each submitted listing until it is live (issue 14). One row per (job, directory)
-- whose directory declares how to find its listings; the submission's own status stays in
-- `job_results` (DESIGN §5) and only ever moves `submitted` -> `live` when the listing is
-- seen. `state`: checking, then live or not_found (the review period passed; `note` says
-- "not found after N days").
create table if not exists listing_presence (
    job_id uuid not null references jobs (id) on delete cascade,
    directory_slug text not null,
    state text not null default 'checking'
        check (state in ('checking', 'live', 'not_found')),
    submitted_at timestamptz not null,
    review_days integer not null,
    listing_url text,
    first_seen_live_at timestamptz,
    last_checked_at timestamptz,
    next_check_at timestamptz,
    checks integer not null default 0,
    nap jsonb,
    evidence_uri text,
    note text not null default '',
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    primary key (job_id, directory_slug)
);

create index if not exists listing_presence_due
    on listing_presence (next_check_at) where state = 'checking';
