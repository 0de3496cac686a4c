import { s3Errors } from './s3-error';

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what no key contains
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Whether a query argument holds control characters, which no key, prefix or upload id contains. */
export const hasControlCharacters = (value: string): boolean => CONTROL.test(value);

/**
 * A query argument compared with keys (prefix, marker, delimiter): one with control characters is
 * InvalidArgument, never handed to the store (Postgres text cannot even hold NUL).
 */
export function keyArgument(value: string, name: string): string {
  if (hasControlCharacters(value)) throw s3Errors.invalidArgument(`${name} holds control characters`);
  return value;
}
