import type { Request } from 'express';

const PREFIX = 'x-amz-meta-';
const HEADER_SAFE = /^[\x20-\x7e]*$/;
const TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;

/** User metadata from `x-amz-meta-*` headers (names lower-cased, as S3 keeps them); `null` when none. */
export function userMetadataOf(req: Request): Record<string, string> | null {
  const entries = Object.entries(req.headers)
    .filter(([name]) => name.startsWith(PREFIX) && name.length > PREFIX.length)
    .map(([name, value]) => [
      name.slice(PREFIX.length),
      Array.isArray(value) ? value.join(',') : (value ?? ''),
    ]);
  return entries.length > 0 ? Object.fromEntries(entries) : null;
}

/**
 * User metadata as `x-amz-meta-*` headers. Values that are not strings (written through the REST API)
 * go as JSON; values outside printable ASCII are MIME-encoded (RFC 2047) as S3 does; names that are not
 * header tokens are left out.
 */
export function metadataHeaders(userMetadata: Record<string, unknown> | null): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(userMetadata ?? {})) {
    const lower = name.toLowerCase();
    if (!TOKEN.test(lower)) continue;
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    headers[`${PREFIX}${lower}`] = HEADER_SAFE.test(text)
      ? text
      : `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
  }
  return headers;
}
