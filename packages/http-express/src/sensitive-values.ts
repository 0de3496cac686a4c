/** Names whose values are credentials, wherever they appear: headers, query strings, log fields. */
export const SENSITIVE_NAMES = [
  'authorization',
  'apikey',
  'token',
  'x-signature',
  'x-amz-signature',
  'x-amz-security-token',
] as const;

const SENSITIVE = new Set<string>(SENSITIVE_NAMES);

/** A request URL with the values of sensitive query parameters replaced by `[Redacted]`. */
export function redactUrl(url: string): string {
  const query = url.indexOf('?');
  if (query < 0) return url;
  const params = url
    .slice(query + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const name = decodeName(equals < 0 ? pair : pair.slice(0, equals));
      return SENSITIVE.has(name.toLowerCase())
        ? `${pair.slice(0, equals < 0 ? pair.length : equals)}=[Redacted]`
        : pair;
    });
  return `${url.slice(0, query)}?${params.join('&')}`;
}

function decodeName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}
