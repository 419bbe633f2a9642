-- Sources, the files they hold, and the ingestion jobs that index them. Every table carries
-- the tenant, and every query of rag-service names it.

create table sources (
    id              text primary key,
    tenant          text not null,
    kind            text not null check (kind in ('git', 'upload')),
    name            text not null,
    location        text,
    branch          text,
    access_token    text,
    webhook_secret  text,
    status          text not null check (status in ('pending', 'indexing', 'ready', 'failed')),
    error           text,
    indexed_commit  text,
    file_count      integer not null default 0,
    chunk_count     integer not null default 0,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now()
);

create index sources_tenant on sources (tenant, created_at);

-- One row per file of a source. content_hash is what the source holds now; indexed_hash
-- what the index holds. A job indexes the rows where they differ, so it can stop anywhere
-- and be run again.
create table documents (
    source_id     text not null references sources (id) on delete cascade,
    path          text not null,
    tenant        text not null,
    content_hash  text not null,
    indexed_hash  text,
    language      text not null,
    size_bytes    bigint not null,
    chunk_count   integer not null default 0,
    status        text not null default 'pending' check (status in ('pending', 'indexed', 'skipped')),
    reason        text,
    updated_at    timestamptz not null default now(),
    primary key (source_id, path)
);

create index documents_pending on documents (source_id) where indexed_hash is distinct from content_hash;

create table jobs (
    id                 text primary key,
    tenant             text not null,
    source_id          text not null references sources (id) on delete cascade,
    trigger            text not null check (trigger in ('create', 'upload', 'sync', 'webhook')),
    status             text not null check (status in ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    cancel_requested   boolean not null default false,
    enqueued           boolean not null default false,
    files_total        integer not null default 0,
    files_seen         integer not null default 0,
    files_chunked      integer not null default 0,
    files_embedded     integer not null default 0,
    files_indexed      integer not null default 0,
    files_skipped      integer not null default 0,
    files_deleted      integer not null default 0,
    chunks_embedded    integer not null default 0,
    error              text,
    created_at         timestamptz not null default now(),
    started_at         timestamptz,
    finished_at        timestamptz,
    updated_at         timestamptz not null default now()
);

create index jobs_tenant on jobs (tenant, created_at desc);
create index jobs_source on jobs (source_id, created_at desc);
