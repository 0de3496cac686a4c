import { join } from 'node:path';
import { boundedSegment, errors } from '@stowage/core';

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

const fileName = (segment: string): string => boundedSegment(segment, MAX_NAME_BYTES);
