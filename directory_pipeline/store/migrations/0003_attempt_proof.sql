-- Keep each attempt's proof in the journal, so a re-run can report an earlier submission with
-- the confirmation it saw instead of submitting again.
alter table submission_attempts add column if not exists confirmation_text text;
alter table submission_attempts add column if not exists final_url text;
alter table submission_attempts add column if not exists screenshot_uri text;
