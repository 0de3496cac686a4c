import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { errors } from '@stowage/core';

/** The longest file name Linux, macOS and Windows file systems accept, in bytes. */
export const MAX_NAME_BYTES = 255;
/** Linux's PATH_MAX, terminating NUL included. */
const MAX_PATH_BYTES = 4095;

/**
 * Names no key can produce, for the store's own files: every name that starts with `~` followed by
 * another character than `~` belongs to the store.
 */
export const TEMP_DIR = '~tmp';
export const UPLOADS_DIR = '~uploads';

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters (NUL first) are refused
const CONTROL = /[\u0000-\u001f\u007f]/;
/** `.` and `..`, also percent-encoded any number of times, in case something downstream decodes. */
const DOT_SEGMENT = /^(?:\.|%(?:25)*2e){1,2}$/i;

export const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * The file that holds the blob of `key` under `root`. Each `/`-separated segment becomes one name, as
 * is, so the tree reads like the keys; a segment starting with `~` gets one more `~` in front (see
 * TEMP_DIR), and a segment too long for a file name becomes `~L<sha256 of it>-<its beginning>`. Both rules
 * are injective, so distinct keys never share a file. Refuses with InvalidKey anything that could
 * name a file outside `root`: `.`/`..` segments (encoded too), empty segments, absolute paths,
 * backslashes (a separator on Windows), NUL and other control characters.
 */
export function blobPath(root: string, key: string): string {
  if (!isContainedKey(key)) throw errors.invalidKey(key);
  const path = join(root, ...key.split('/').map(fileName));
  if (Buffer.byteLength(path) > MAX_PATH_BYTES) throw errors.invalidKey(key);
  return path;
}

function isContainedKey(key: string): boolean {
  if (key.length === 0 || key.startsWith('/') || key.includes('\\') || CONTROL.test(key)) return false;
  if (!key.isWellFormed()) return false;
  return key.split('/').every((segment) => segment.length > 0 && !DOT_SEGMENT.test(segment));
}

function fileName(segment: string): string {
  const escaped = segment.startsWith('~') ? `~${segment}` : segment;
  if (Buffer.byteLength(escaped) <= MAX_NAME_BYTES) return escaped;
  const hashed = `~L${sha256Hex(segment)}-`;
  return hashed + utf8Prefix(segment, MAX_NAME_BYTES - hashed.length);
}

/** The longest beginning of `text` that fits in `bytes` UTF-8 bytes without splitting a character. */
function utf8Prefix(text: string, bytes: number): string {
  let prefix = '';
  let used = 0;
  for (const character of text) {
    used += Buffer.byteLength(character);
    if (used > bytes) break;
    prefix += character;
  }
  return prefix;
}
