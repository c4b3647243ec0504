-- Every mail read from the verification mailbox, what it allowed, and what opening its link
-- or typing its code showed. A mail is recorded once (its mailbox key); `action_started_at`
-- is the intent written before a link is opened, so a crash in between never opens it twice.
create table if not exists verification_mails (
    mail_key text primary key,
    message_id text not null default '',
    received_at timestamptz not null,
    sender text not null default '',
    subject text not null default '',
    verdict text not null,
    job_id uuid,
    directory_slug text,
    link_url text,
    detail text not null default '',
    action_started_at timestamptz,
    outcome text,
    outcome_said text,
    evidence_uri text,
    handled_at timestamptz,
    recorded_at timestamptz not null default now()
);

create index if not exists verification_mails_submission
    on verification_mails (job_id, directory_slug);
