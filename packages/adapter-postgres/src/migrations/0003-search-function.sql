-- storage.search with the reference's signature, for users who call it directly (Stowage's own listing
-- does not use it). `prefix` is a folder with its trailing slash and `levels` its depth plus one; unlike
-- the reference's ILIKE, prefix and search match literally (case-insensitively).
create or replace function storage.search(
  prefix text,
  bucketname text,
  limits int default 100,
  levels int default 1,
  offsets int default 0,
  search text default '',
  sortcolumn text default 'name',
  sortorder text default 'asc'
) returns table (
  name text,
  id uuid,
  updated_at timestamptz,
  created_at timestamptz,
  last_accessed_at timestamptz,
  metadata jsonb
) language sql stable as $$
  with matching as (
    select o.*
    from storage.objects o
    where o.bucket_id = bucketname
      and starts_with(lower(o.name), lower(coalesce(prefix, '') || coalesce(search, '')))
      and array_length(o.path_tokens, 1) >= levels
  ), entries as (
    select distinct m.path_tokens[levels] as name, null::uuid as id, null::timestamptz as updated_at,
      null::timestamptz as created_at, null::timestamptz as last_accessed_at, null::jsonb as metadata,
      0 as part, null::timestamptz as sort_at
    from matching m
    where array_length(m.path_tokens, 1) > levels
    union all
    select m.path_tokens[levels], m.id, m.updated_at, m.created_at, m.last_accessed_at, m.metadata, 1,
      case lower(sortcolumn)
        when 'updated_at' then m.updated_at
        when 'created_at' then m.created_at
        when 'last_accessed_at' then m.last_accessed_at
      end
    from matching m
    where array_length(m.path_tokens, 1) = levels
  )
  select e.name, e.id, e.updated_at, e.created_at, e.last_accessed_at, e.metadata
  from entries e
  order by e.part,
    case when lower(sortorder) = 'desc' then null else e.sort_at end asc,
    case when lower(sortorder) = 'desc' then e.sort_at end desc,
    case when lower(sortorder) = 'desc' then null else e.name end collate "C" asc,
    case when lower(sortorder) = 'desc' then e.name end collate "C" desc
  limit limits offset offsets
$$;

do $$
declare
  role_name text;
begin
  foreach role_name in array array['anon', 'authenticated', 'service_role'] loop
    if exists (select from pg_roles where rolname = role_name) then
      execute format('grant execute on function storage.search(text, text, int, int, int, text, text, text) to %I',
        role_name);
    end if;
  end loop;
end
$$;
