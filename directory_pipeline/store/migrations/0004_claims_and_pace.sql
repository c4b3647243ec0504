-- At most one open intent (clicked, no result yet) per (job, directory): a second worker
-- that got past every other check still cannot begin a second attempt.
create unique index if not exists submission_attempts_one_open_intent
    on submission_attempts (job_id, directory_slug) where result_at is null;

-- When each directory may next be submitted to, shared by every run and process.
create table if not exists directory_pace (
    slug text primary key,
    next_start_at timestamptz not null
);
