-- Who may call the platform. User names are unique across tenants, so a login needs no tenant.
create table tenant (
    id          text primary key,
    name        text not null unique,
    created_at  timestamptz not null default now()
);

create table app_user (
    id             text primary key,
    tenant_id      text not null references tenant (id),
    username       text not null unique,
    password_hash  text not null,
    roles          text[] not null,
    disabled       boolean not null default false,
    created_at     timestamptz not null default now()
);

create index app_user_tenant on app_user (tenant_id);

-- An API key is kept as the SHA-256 of its secret; the secret is shown once, at creation.
create table api_key (
    id            text primary key,
    tenant_id     text not null references tenant (id),
    user_id       text not null references app_user (id) on delete cascade,
    name          text not null,
    prefix        text not null,
    secret_hash   bytea not null unique,
    scopes        text[] not null,
    created_at    timestamptz not null default now(),
    expires_at    timestamptz,
    revoked_at    timestamptz,
    last_used_at  timestamptz
);

create index api_key_user on api_key (user_id);
