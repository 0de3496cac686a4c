/** Whether `error` is a Node.js system error with one of the given codes (`ENOENT`, …). */
export const hasErrno = (error: unknown, ...codes: string[]): boolean =>
  // Not `instanceof Error`: system errors may come from another realm (as under jest).
  typeof error === 'object' &&
  error !== null &&
  codes.includes(String((error as NodeJS.ErrnoException).code));
