-- The storage schema of a Supabase Storage database: same tables, columns, index and function names,
-- so a database that already has them (with users' policies) is served as it is. Everything is
-- "if not exists", and columns later added by the reference are added to older databases.

create table if not exists storage.buckets (
  id text primary key,
  name text not null,
  owner uuid,
  created_at timestamptz default now(),
  updated_at timestamptz default now()
);
alter table storage.buckets add column if not exists owner_id text;
alter table storage.buckets add column if not exists public boolean default false;
alter table storage.buckets add column if not exists file_size_limit bigint;
alter table storage.buckets add column if not exists allowed_mime_types text[];
alter table storage.buckets add column if not exists type text not null default 'STANDARD';
create unique index if not exists bname on storage.buckets using btree (name);
do $$
begin
  if not exists (select from pg_constraint where conname = 'buckets_name_length_check'
                 and conrelid = 'storage.buckets'::regclass) then
    alter table storage.buckets add constraint buckets_name_length_check
      check (length(name) between 1 and 100);
  end if;
end
$$;

create table if not exists storage.objects (
  id uuid primary key default gen_random_uuid(),
  bucket_id text,
  name text,
  owner uuid,
  created_at timestamptz default now(),
  updated_at timestamptz default now(),
  last_accessed_at timestamptz default now(),
  metadata jsonb,
  constraint "objects_bucketId_fkey" foreign key (bucket_id) references storage.buckets (id)
);
alter table storage.objects add column if not exists path_tokens text[]
  generated always as (string_to_array(name, '/')) stored;
alter table storage.objects add column if not exists version text;
alter table storage.objects add column if not exists owner_id text;
alter table storage.objects add column if not exists user_metadata jsonb;
create unique index if not exists bucketid_objname on storage.objects using btree (bucket_id, name);
-- Prefix scans compare bytes: a range on name under "C" is exactly "starts with".
create index if not exists idx_objects_bucket_id_name on storage.objects (bucket_id, name collate "C");
-- The files directly under a folder are the rows of one depth in that folder's key range.
create index if not exists stowage_objects_bucket_depth_name
  on storage.objects (bucket_id, (array_length(path_tokens, 1)), name collate "C");

create table if not exists storage.s3_multipart_uploads (
  id text primary key,
  in_progress_size bigint not null default 0,
  upload_signature text not null,
  bucket_id text not null references storage.buckets (id),
  key text collate "C" not null,
  version text not null,
  owner_id text,
  created_at timestamptz not null default now()
);
alter table storage.s3_multipart_uploads add column if not exists user_metadata jsonb;
alter table storage.s3_multipart_uploads add column if not exists metadata jsonb;
create index if not exists idx_multipart_uploads_list
  on storage.s3_multipart_uploads (bucket_id, key, created_at);

create table if not exists storage.s3_multipart_uploads_parts (
  id uuid primary key default gen_random_uuid(),
  upload_id text not null references storage.s3_multipart_uploads (id) on delete cascade,
  size bigint not null default 0,
  part_number int not null,
  bucket_id text not null references storage.buckets (id),
  key text collate "C" not null,
  etag text not null,
  owner_id text,
  version text not null,
  created_at timestamptz not null default now()
);

create or replace function storage.update_updated_at_column() returns trigger language plpgsql as $$
begin
  new.updated_at = now();
  return new;
end
$$;
create or replace trigger update_objects_updated_at before update on storage.objects
  for each row execute function storage.update_updated_at_column();
create or replace trigger update_buckets_updated_at before update on storage.buckets
  for each row execute function storage.update_updated_at_column();

-- Functions users' policies call: folders of a key, its file name, and the file name's extension.
create or replace function storage.foldername(name text) returns text[] language sql immutable as $$
  select (string_to_array(name, '/'))[1:array_length(string_to_array(name, '/'), 1) - 1]
$$;
create or replace function storage.filename(name text) returns text language sql immutable as $$
  select (string_to_array(name, '/'))[array_length(string_to_array(name, '/'), 1)]
$$;
-- As the reference: the text after the last dot, or the whole file name when it has none.
create or replace function storage.extension(name text) returns text language sql immutable as $$
  select reverse(split_part(reverse(storage.filename(name)), '.', 1))
$$;

alter table storage.migrations enable row level security;
alter table storage.buckets enable row level security;
alter table storage.objects enable row level security;
alter table storage.s3_multipart_uploads enable row level security;
alter table storage.s3_multipart_uploads_parts enable row level security;

do $$
declare
  role_name text;
begin
  foreach role_name in array array['anon', 'authenticated', 'service_role'] loop
    if exists (select from pg_roles where rolname = role_name) then
      execute format('grant usage on schema storage to %I', role_name);
      execute format('grant all on all tables in schema storage to %I', role_name);
      execute format('grant execute on all functions in schema storage to %I', role_name);
      execute format('alter default privileges in schema storage grant all on tables to %I', role_name);
      execute format('alter default privileges in schema storage grant execute on functions to %I', role_name);
    end if;
  end loop;
end
$$;
