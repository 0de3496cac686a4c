-- The three request roles (service_role bypasses RLS). Roles are cluster-wide, so another database may
-- create one at the same moment: a duplicate is not an error. `stowage.install_roles` = 'false' leaves
-- roles to the operator, like the reference's DB_INSTALL_ROLES. Existing roles are left as they are.
do $$
declare
  role_name text;
begin
  if coalesce(current_setting('stowage.install_roles', true), 'true') = 'false' then
    return;
  end if;
  foreach role_name in array array['anon', 'authenticated', 'service_role'] loop
    if not exists (select from pg_roles where rolname = role_name) then
      begin
        execute format('create role %I nologin noinherit%s', role_name,
          case when role_name = 'service_role' then ' bypassrls' else '' end);
        -- A non-superuser migrator must be a member to switch to the role per request.
        if not (select rolsuper from pg_roles where rolname = current_user) then
          execute format('grant %I to %I', role_name, current_user);
        end if;
      exception when duplicate_object or unique_violation then
        null;
      end;
    end if;
  end loop;
end
$$;

-- auth.uid(), auth.role() and auth.jwt() as Supabase defines them, so the usual policies work unchanged;
-- only when the database has no auth schema of its own (a Supabase database has one: leave it alone).
-- They read the claims JSON, or the legacy per-claim settings policies written long ago rely on.
do $$
declare
  role_name text;
begin
  if exists (select from pg_namespace where nspname = 'auth') then
    return;
  end if;
  create schema auth;

  create function auth.uid() returns uuid language sql stable as $f$
    select coalesce(
      nullif(current_setting('request.jwt.claim.sub', true), ''),
      nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'
    )::uuid
  $f$;

  create function auth.role() returns text language sql stable as $f$
    select coalesce(
      nullif(current_setting('request.jwt.claim.role', true), ''),
      nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role'
    )::text
  $f$;

  create function auth.jwt() returns jsonb language sql stable as $f$
    select coalesce(
      nullif(current_setting('request.jwt.claim', true), ''),
      nullif(current_setting('request.jwt.claims', true), '')
    )::jsonb
  $f$;

  foreach role_name in array array['anon', 'authenticated', 'service_role'] loop
    if exists (select from pg_roles where rolname = role_name) then
      execute format('grant usage on schema auth to %I', role_name);
      execute format('grant execute on function auth.uid(), auth.role(), auth.jwt() to %I', role_name);
    end if;
  end loop;
end
$$;
