import { errors } from '../errors';

const essence = (mimeType: string): string => (mimeType.split(';')[0] ?? '').trim().toLowerCase();

/**
 * Whether a bucket's allow-list admits a MIME type. Entries may use a wildcard subtype (`image/*`);
 * matching is case-insensitive and ignores parameters such as `charset`. No list admits everything.
 */
export function isMimeTypeAllowed(allowed: readonly string[] | null | undefined, mimeType: string): boolean {
  if (!allowed || allowed.length === 0) return true;
  const [type, subtype] = essence(mimeType).split('/');
  return allowed.some((entry) => {
    const [allowedType, allowedSubtype] = essence(entry).split('/');
    if (allowedType === '*' && (allowedSubtype === '*' || allowedSubtype === undefined)) return true;
    return allowedType === type && (allowedSubtype === '*' || allowedSubtype === subtype);
  });
}

export function assertMimeTypeAllowed(allowed: readonly string[] | null | undefined, mimeType: string): void {
  if (!isMimeTypeAllowed(allowed, mimeType)) throw errors.invalidMimeType(mimeType);
}

const MIME_TYPE = /^[\w.+-]+\/[\w.+*-]+(\s*;.*)?$/;

/** Validates the entries of an allow-list as written by a user. */
export function assertMimeTypeList(list: readonly string[]): void {
  for (const entry of list) {
    if (!MIME_TYPE.test(entry.trim())) throw errors.invalidRequest(`Invalid mime type: ${entry}`);
  }
}
