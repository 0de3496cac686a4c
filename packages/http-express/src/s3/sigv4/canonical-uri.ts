/** RFC 3986 encoding as SigV4 wants it: everything but `A-Za-z0-9-._~` percent-encoded. */
export const awsUriEncode = (text: string): string =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * The canonical URI of a path as it arrived: each segment decoded once and encoded the SigV4 way, so a
 * client that encoded more or fewer characters than AWS does still matches (S3 is not double-encoded).
 */
export const canonicalPath = (rawPath: string): string =>
  rawPath
    .split('/')
    .map((segment) => awsUriEncode(decodeSegment(segment)))
    .join('/');

/** The raw path and the query parameters of a request URL (`+` in a query is a space, as in forms). */
export function splitUrl(url: string): { rawPath: string; query: URLSearchParams } {
  const at = url.indexOf('?');
  if (at === -1) return { rawPath: url, query: new URLSearchParams() };
  return { rawPath: url.slice(0, at), query: new URLSearchParams(url.slice(at + 1)) };
}

/** Query parameters as smithy's signer takes them, repeated names as arrays. */
export function queryRecord(query: URLSearchParams, omit: string): Record<string, string | string[]> {
  const record: Record<string, string | string[]> = {};
  for (const name of new Set(query.keys())) {
    if (name === omit) continue;
    const values = query.getAll(name);
    record[name] = values.length === 1 ? (values[0] ?? '') : values;
  }
  return record;
}
