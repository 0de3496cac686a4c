-- Multipart uploads of the S3 endpoint: parts are looked up by upload and part number (listing,
-- replacing a part uploaded again, completing), and uploads by owner when a user lists their own.
create index if not exists idx_multipart_uploads_parts_upload
  on storage.s3_multipart_uploads_parts (upload_id, part_number);
create index if not exists idx_multipart_uploads_owner
  on storage.s3_multipart_uploads (bucket_id, owner_id);
