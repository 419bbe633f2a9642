-- Conversations belong to one owner in one tenant; every query names both.
create table conversation (
    id          text primary key,
    tenant      text not null,
    owner       text not null,
    title       text not null,
    titled_by   text not null default 'message',
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now()
);

create index conversation_by_owner on conversation (tenant, owner, updated_at desc, id);
create index conversation_title_search on conversation using gin (to_tsvector('simple', title));

-- A message is written when it starts: the user's before generation, the answer as
-- 'streaming', saved as it grows and finished as 'complete', 'stopped', 'interrupted'
-- or 'failed'.
create table message (
    id                text primary key,
    conversation_id   text not null references conversation (id) on delete cascade,
    tenant            text not null,
    seq               integer not null,
    role              text not null check (role in ('user', 'assistant')),
    content           text not null,
    status            text not null check (status in ('complete', 'streaming', 'stopped', 'interrupted', 'failed')),
    mode              text,
    model             text,
    prompt_tokens     integer,
    completion_tokens integer,
    first_token_ms    integer,
    latency_ms        integer,
    citations         jsonb not null default '[]',
    tool_calls        jsonb not null default '[]',
    retrieval         jsonb,
    error             text,
    feedback_rating   text check (feedback_rating in ('up', 'down')),
    feedback_reason   text,
    feedback_text     text,
    created_at        timestamptz not null default now(),
    updated_at        timestamptz not null default now(),
    unique (conversation_id, seq)
);

create index message_content_search on message using gin (to_tsvector('simple', content));
create index message_streaming on message (updated_at) where status = 'streaming';
