-- The contract tables (DESIGN §4). Written to be safe on a Supabase project that already
-- has some of them: every statement is idempotent.

create table if not exists jobs (
    id                uuid primary key,
    customer_id       uuid not null,
    package           text not null,
    status            text not null default 'pending',
    business          jsonb,
    directories_total integer not null default 0,
    directories_done  integer not null default 0,
    created_at        timestamptz not null default now(),
    started_at        timestamptz,
    completed_at      timestamptz,
    error             text
);

-- The explicit directory list of the job's message, so a job whose message was lost can
-- still be run from its row alone.
alter table jobs add column if not exists requested_directories text[];

do $$ begin
    alter table jobs add constraint jobs_package_check
        check (package in ('starter', 'growth', 'pro', 'enterprise'));
exception when duplicate_object then null; end $$;

do $$ begin
    alter table jobs add constraint jobs_status_check
        check (status in ('pending', 'in_progress', 'completed', 'partially_completed', 'failed'));
exception when duplicate_object then null; end $$;

create index if not exists jobs_status_created_at_idx on jobs (status, created_at);

create table if not exists directories (
    slug                 text primary key,
    name                 text not null,
    submit_url           text not null,
    tier                 text not null,
    enabled              boolean not null default true,
    requires_payment     boolean not null default false,
    hosts                text[] not null default '{}',
    language             text not null default 'en',
    sandbox              boolean not null default false,
    max_concurrency      integer not null default 1,
    min_interval_seconds double precision not null default 30,
    updated_at           timestamptz not null default now()
);

create table if not exists job_results (
    job_id            uuid not null references jobs (id) on delete cascade,
    directory_slug    text not null,
    status            text not null,
    submitted_at      timestamptz,
    confirmation_text text,
    final_url         text,
    evidence_uri      text,
    error             text,
    attempts          integer not null default 0,
    plan_fingerprint  text,
    updated_at        timestamptz not null default now(),
    primary key (job_id, directory_slug)
);

do $$ begin
    alter table job_results add constraint job_results_status_check
        check (status in ('submitted', 'live', 'needs_review', 'rejected', 'skipped', 'failed'));
exception when duplicate_object then null; end $$;

create index if not exists job_results_directory_status_idx on job_results (directory_slug, status);
