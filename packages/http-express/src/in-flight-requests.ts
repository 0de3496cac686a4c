import type { RequestHandler, Response } from 'express';

const SETTLED = 'handlerSettled';

/** Lets the request's tracker wait for its handler, not just its response, before counting it done. */
export function settleWith(res: Response, handler: Promise<void>): Promise<void> {
  res.locals[SETTLED] = handler;
  return handler;
}

/**
 * The requests being served: counted from arrival until the response is closed and the handler has
 * settled (so a cut-off upload has cleaned up after itself). Shutdown waits for `idle()`.
 */
export class InFlightRequests {
  private active = 0;
  private waiters: (() => void)[] = [];

  get size(): number {
    return this.active;
  }

  readonly middleware: RequestHandler = (_req, res, next) => {
    this.active += 1;
    res.once('close', () => {
      const handler = res.locals[SETTLED] as Promise<void> | undefined;
      Promise.resolve(handler)
        .catch(() => undefined)
        .finally(() => this.done());
    });
    next();
  };

  /** Resolves once no request is in flight. */
  idle(): Promise<void> {
    if (this.active === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private done(): void {
    this.active -= 1;
    if (this.active === 0) for (const resolve of this.waiters.splice(0)) resolve();
  }
}
