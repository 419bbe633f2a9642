-- Users who sign in through the OpenID Connect provider: known by its issuer and their
-- subject there, and without a password of ours.
alter table app_user alter column password_hash drop not null;
alter table app_user add column sso_issuer text;
alter table app_user add column sso_subject text;
create unique index app_user_sso on app_user (sso_issuer, sso_subject) where sso_issuer is not null;
