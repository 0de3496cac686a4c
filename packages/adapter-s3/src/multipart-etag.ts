import { createHash } from 'node:crypto';

/** S3's ETag of a multipart object: the MD5 of the parts' binary MD5s, then `-<number of parts>`. */
export function multipartEtag(partEtags: readonly string[]): string {
  const md5 = createHash('md5');
  for (const etag of partEtags) md5.update(Buffer.from(etag, 'hex'));
  return `${md5.digest('hex')}-${partEtags.length}`;
}
