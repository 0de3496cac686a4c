import { errors } from '../errors';

export const MAX_KEY_BYTES = 1024;

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what we refuse
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * An object key is any Unicode text of at most 1024 UTF-8 bytes, without control characters, a leading
 * `/`, empty segments (so no `a//b` and no trailing `/`), or `.`/`..` segments. Everything else round-trips byte for byte.
 */
export function isValidKey(key: string): boolean {
  if (key.length === 0 || CONTROL.test(key) || key.startsWith('/')) return false;
  if (!key.isWellFormed() || Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) return false;
  return key.split('/').every((segment) => segment.length > 0 && segment !== '.' && segment !== '..');
}

export function assertKey(key: string): string {
  if (!isValidKey(key)) throw errors.invalidKey(key);
  return key;
}
