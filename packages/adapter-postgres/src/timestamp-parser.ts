import { type CustomTypesConfig, types } from 'pg';

/** `timestamptz`'s type oid. */
const TIMESTAMPTZ = 1184;

const slowTimestamptz = types.getTypeParser(TIMESTAMPTZ, 'text') as (text: string) => Date | number | null;

const ZERO = 48;
const DASH = 45;
const PLUS = 43;
const SPACE = 32;
const COLON = 58;
const DOT = 46;
const MS_PER_MINUTE = 60_000;

/** The number the decimal digits of `text[from, to)` spell, or NaN when any is not a digit. */
function digits(text: string, from: number, to: number): number {
  let value = 0;
  for (let i = from; i < to; i++) {
    const digit = text.charCodeAt(i) - ZERO;
    if (digit < 0 || digit > 9) return Number.NaN;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * Postgres's ISO output of a `timestamptz` (`2026-11-25 14:33:19.162345+00`, offset `±HH` or `±HH:MM`)
 * with a four-digit year from 0100 on; `undefined` for anything else.
 */
function commonTimestamptz(text: string): Date | undefined {
  if (
    text.charCodeAt(4) !== DASH ||
    text.charCodeAt(7) !== DASH ||
    text.charCodeAt(10) !== SPACE ||
    text.charCodeAt(13) !== COLON ||
    text.charCodeAt(16) !== COLON
  ) {
    return undefined;
  }
  let at = 19;
  let ms = 0;
  if (text.charCodeAt(at) === DOT) {
    const start = ++at;
    while (at < text.length && text.charCodeAt(at) >= ZERO && text.charCodeAt(at) <= ZERO + 9) at++;
    // Milliseconds are truncated, as Date.UTC truncates the fraction pg's own parser hands it.
    const kept = Math.min(at - start, 3);
    ms = digits(text, start, start + kept) * 10 ** (3 - kept);
  }
  const sign = text.charCodeAt(at);
  const offsetLength = text.length - at;
  if ((sign !== PLUS && sign !== DASH) || (offsetLength !== 3 && offsetLength !== 6)) return undefined;
  if (offsetLength === 6 && text.charCodeAt(at + 3) !== COLON) return undefined;
  const offsetMinutes =
    digits(text, at + 1, at + 3) * 60 + (offsetLength === 6 ? digits(text, at + 4, at + 6) : 0);
  const year = digits(text, 0, 4);
  // Date.UTC reads years 0-99 as 1900-1999.
  if (!(year >= 100)) return undefined;
  const utc = Date.UTC(
    year,
    digits(text, 5, 7) - 1,
    digits(text, 8, 10),
    digits(text, 11, 13),
    digits(text, 14, 16),
    digits(text, 17, 19),
    ms,
  );
  const time = utc - (sign === PLUS ? offsetMinutes : -offsetMinutes) * MS_PER_MINUTE;
  return Number.isNaN(time) ? undefined : new Date(time);
}

/**
 * Reads a `timestamptz` as pg's own parser does (a Date; ±Infinity for Postgres's infinities), several
 * times faster for the form Postgres sends by default: pg's regular expressions took more than half of
 * the CPU a listing of 100 objects spent reading its rows.
 */
export function parseTimestamptz(text: string): Date | number | null {
  return commonTimestamptz(text) ?? slowTimestamptz(text);
}

/** pg's type parsers, with the faster `timestamptz`. */
export const TYPE_PARSERS: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === TIMESTAMPTZ && format !== 'binary'
      ? parseTimestamptz
      : types.getTypeParser(oid, format ?? 'text')) as CustomTypesConfig['getTypeParser'],
};
