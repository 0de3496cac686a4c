import { createHash } from 'node:crypto';

/** Counted without encoding: a TextEncoder's `encode` allocates, and took ~1 µs a call here. */
const utf8Length = (text: string): number => Buffer.byteLength(text, 'utf8');

export const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * A key segment as a backend that limits names to `maxBytes` UTF-8 bytes can store it, injectively:
 * segments starting with `~` get one more `~`, so every name the mapping invents (`~L<sha256>-<start>`)
 * is free; short segments are otherwise kept as they are. Shared by the file and S3 backends so both lay
 * out long keys the same way.
 */
export function boundedSegment(segment: string, maxBytes: number): string {
  const escaped = segment.startsWith('~') ? `~${segment}` : segment;
  if (utf8Length(escaped) <= maxBytes) return escaped;
  const hashed = `~L${sha256Hex(segment)}-`;
  return hashed + utf8Prefix(segment, maxBytes - hashed.length);
}

/** The longest beginning of `text` that fits in `bytes` UTF-8 bytes without splitting a character. */
function utf8Prefix(text: string, bytes: number): string {
  let prefix = '';
  let used = 0;
  for (const character of text) {
    used += utf8Length(character);
    if (used > bytes) break;
    prefix += character;
  }
  return prefix;
}
