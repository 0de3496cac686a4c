/** Exit codes: all fine; an object failed; bad arguments or configuration; interrupted (as after SIGINT). */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;
