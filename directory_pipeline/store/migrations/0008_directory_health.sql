-- Directory health (issue 15). `directory_health` holds each directory's latest health
-- record, written only by the `fleet_health` asset; the asset checks and new jobs judge it.
-- `directory_reenables` is staff's word that a held directory may be tried again: a
-- directory is held only by a record computed after its latest re-enable.
create table if not exists directory_health (
    directory_slug text primary key,
    computed_at timestamptz not null,
    health jsonb not null
);

create table if not exists directory_reenables (
    id bigserial primary key,
    directory_slug text not null,
    reenabled_at timestamptz not null default now(),
    reenabled_by text not null default '',
    note text not null default ''
);

create index if not exists directory_reenables_latest
    on directory_reenables (directory_slug, reenabled_at desc);
