import { boundedSegment, errors, sha256Hex } from '@stowage/core';

/** S3's limit on a whole key, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024;

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters (NUL first) are refused
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * The S3 object key for a blob key. Keys are used as given — so a bucket written by the reference server,
 * whose keys are `<tenant>/<bucket>/<key>/<version>`, is served as it is — except where S3 servers cannot
 * take them: a segment over `maxSegmentBytes` (servers that keep objects as files, MinIO among them, refuse
 * long names) becomes `~L<sha256 of it>-<its beginning>`, and a key still over S3's 1024 bytes keeps the
 * segments that fit and ends in `~K<sha256 of the whole key>`. A segment starting with `~`, which the
 * reference never writes, gets one more `~` in front, so the mapping stays injective. Refuses with
 * InvalidKey what is not a plain relative path: empty, `.` or `..` segments, control characters (NUL
 * first), and text that is not well-formed Unicode.
 */
export function s3ObjectKey(key: string, maxSegmentBytes: number): string {
  const segments = key.split('/');
  if (CONTROL.test(key) || !key.isWellFormed() || segments.some((s) => s === '' || s === '.' || s === '..')) {
    throw errors.invalidKey(key);
  }
  const mapped = segments.map((segment) => boundedSegment(segment, maxSegmentBytes));
  const joined = mapped.join('/');
  if (Buffer.byteLength(joined) <= MAX_KEY_BYTES) return joined;
  const tail = `~K${sha256Hex(key)}`;
  const kept: string[] = [];
  let used = Buffer.byteLength(tail);
  for (const segment of mapped) {
    used += Buffer.byteLength(segment) + 1;
    if (used > MAX_KEY_BYTES) break;
    kept.push(segment);
  }
  return [...kept, tail].join('/');
}
