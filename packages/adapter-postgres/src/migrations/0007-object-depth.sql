-- An object's number of path segments as a plain integer. Under row level security Postgres lets only
-- leakproof conditions into an index scan: `array_length(path_tokens, 1) = n` is not one, an integer
-- comparison is. So the files directly under a folder, and the folders under it, are found by index
-- even for a caller whose policies apply.
alter table storage.objects add column if not exists stowage_depth integer
  generated always as (array_length(string_to_array(name, '/'), 1)) stored;
create index if not exists stowage_objects_bucket_stowage_depth_name
  on storage.objects (bucket_id, stowage_depth, name collate "C");
drop index if exists storage.stowage_objects_bucket_depth_name;
