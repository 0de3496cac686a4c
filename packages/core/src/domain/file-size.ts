import { errors } from '../errors';

const UNITS: Record<string, number> = { B: 1, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12 };
const SIZE = /^\s*(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB)?\s*$/i;

/**
 * A file size limit given as a number of bytes or a decimal size string such as `"5MB"` (1 MB = 10^6 B).
 * `null` means no limit of its own.
 */
export function parseFileSize(value: number | string | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) throw errors.invalidRequest(`Invalid file size: ${value}`);
    return value;
  }
  const match = SIZE.exec(value);
  if (!match) throw errors.invalidRequest(`Invalid file size: ${value}`);
  const bytes = Math.floor(Number(match[1]) * (UNITS[(match[2] ?? 'B').toUpperCase()] ?? 1));
  if (!Number.isSafeInteger(bytes)) throw errors.invalidRequest(`Invalid file size: ${value}`);
  return bytes;
}

/** The strictest of several limits, ignoring the ones that are not set. */
export function smallestLimit(...limits: Array<number | null | undefined>): number | null {
  const set = limits.filter((limit): limit is number => typeof limit === 'number' && limit > 0);
  return set.length === 0 ? null : Math.min(...set);
}
