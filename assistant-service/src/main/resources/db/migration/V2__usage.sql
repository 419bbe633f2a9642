-- One row per finished answer, kept apart from the conversation so that usage outlives
-- deleted conversations. model is the model that answered, or the mode ('retrieval-only',
-- 'no-evidence') when none did.
create table usage_event (
    id                bigserial primary key,
    tenant            text not null,
    user_id           text not null,
    model             text not null,
    status            text not null,
    prompt_tokens     integer not null default 0,
    completion_tokens integer not null default 0,
    latency_ms        integer,
    at                timestamptz not null default now()
);

create index usage_by_tenant_time on usage_event (tenant, at);

insert into usage_event (tenant, user_id, model, status, prompt_tokens, completion_tokens, latency_ms, at)
select m.tenant, c.owner, coalesce(m.model, m.mode, 'unknown'), m.status, coalesce(m.prompt_tokens, 0),
       coalesce(m.completion_tokens, 0), m.latency_ms, m.updated_at
from message m join conversation c on c.id = m.conversation_id
where m.role = 'assistant' and m.status <> 'streaming';
