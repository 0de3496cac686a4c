-- The saved state of the MD5 of a resumable upload's bytes so far: the object it makes gets the plain
-- MD5 ETag of its content, as a REST upload of the same bytes does.

alter table storage.resumable_uploads add column if not exists md5_state bytea;
