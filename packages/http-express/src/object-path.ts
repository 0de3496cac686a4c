import type { Request } from 'express';

/**
 * Bucket and key of an `/…/:bucket/*key` route. Express decodes each segment once; joining them again
 * gives the key decoded exactly once, so `%2F`, `%25`, `%3F`, `+` and UTF-8 keep their meaning.
 */
export function objectPath(req: Request): { bucketId: string; key: string } {
  const { bucket, key } = req.params as { bucket: string; key: string | string[] };
  return { bucketId: bucket, key: Array.isArray(key) ? key.join('/') : key };
}

/** A URL path segment by segment, so any key opens when the URL is requested as given. */
export const encodePath = (path: string): string => path.split('/').map(encodeURIComponent).join('/');
