-- Open intents left twice for one (job, directory) by the old unlocked journal: all but the
-- newest are settled as interrupted (the listing may exist), so the index below can exist.
update submission_attempts a
   set result_at = now(), status = 'needs_review',
       error = 'interrupted between the submit click and the directory''s answer; the listing '
               || 'may exist: check the directory before forcing a new attempt'
 where a.result_at is null
   and exists (select 1 from submission_attempts b
                where b.job_id = a.job_id and b.directory_slug = a.directory_slug
                  and b.result_at is null and b.attempt_no > a.attempt_no);

-- At most one open intent (clicked, no result yet) per (job, directory): a second worker
-- that got past every other check still cannot begin a second attempt.
create unique index if not exists submission_attempts_one_open_intent
    on submission_attempts (job_id, directory_slug) where result_at is null;

-- When each directory may next be submitted to, shared by every run and process.
create table if not exists directory_pace (
    slug text primary key,
    next_start_at timestamptz not null
);
