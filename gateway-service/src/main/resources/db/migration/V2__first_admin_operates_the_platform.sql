-- The first admin also operates the platform (makes tenants). Installs made before this role
-- existed give it to their earliest admin.
update app_user
set roles = array_append(roles, 'operator')
where id = (select id from app_user where 'admin' = any (roles) order by created_at limit 1)
  and not ('operator' = any (roles));
