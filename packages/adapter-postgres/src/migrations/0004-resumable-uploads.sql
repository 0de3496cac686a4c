-- The state of unfinished resumable (TUS) uploads, shared by every server instance. Only the server
-- itself reads and writes it: callers' roles get no privileges and no policy.

create table if not exists storage.resumable_uploads (
  id text primary key,
  bucket_id text not null,
  object_name text collate "C" not null,
  version text not null,
  upload_length bigint,
  size_limit bigint,
  upload_offset bigint not null default 0,
  multipart_upload_id text not null,
  parts jsonb not null default '[]',
  tail_key text,
  tail_size bigint not null default 0,
  upsert boolean not null default false,
  owner uuid,
  owner_id text,
  content_type text not null,
  cache_control text not null,
  user_metadata jsonb,
  client_metadata jsonb not null default '{}',
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  completed_at timestamptz
);
create index if not exists resumable_uploads_expires_at on storage.resumable_uploads (expires_at);

alter table storage.resumable_uploads enable row level security;

do $$
declare
  role_name text;
begin
  foreach role_name in array array['anon', 'authenticated', 'service_role'] loop
    if exists (select from pg_roles where rolname = role_name) then
      execute format('revoke all on storage.resumable_uploads from %I', role_name);
    end if;
  end loop;
end
$$;
