import { type ByteRange, errors } from '@stowage/core';

const SINGLE_RANGE = /^bytes=(\d*)-(\d*)$/;

/**
 * Resolves a `Range` header against an object's size: `a-b`, `a-` and `-n`. Headers this server does not
 * serve as ranges (other units, several ranges, nonsense) are ignored, as HTTP allows; a well-formed range
 * outside the object is InvalidRange.
 */
export function parseByteRange(header: string | undefined, size: number): ByteRange | undefined {
  if (!header) return undefined;
  const match = SINGLE_RANGE.exec(header.replace(/\s+/g, ''));
  if (!match) return undefined;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return undefined;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) throw errors.invalidRange();
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (start >= size || (last !== '' && Number(last) < start)) throw errors.invalidRange();
  return { start, end };
}
