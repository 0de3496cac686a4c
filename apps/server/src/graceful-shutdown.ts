import type { Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { InFlightRequests } from '@stowage/http-express';
import type { Logger } from 'pino';

export interface ShutdownOptions {
  readonly server: Server;
  readonly inFlight: InFlightRequests;
  /** How long in-flight requests (uploads, downloads) may run on once shutdown begins. */
  readonly gracePeriodMs: number;
  /** Releases what the server holds (the database pool), once no request runs. */
  readonly release: () => Promise<void>;
  readonly logger: Logger;
}

/** How long handlers of requests cut off at the end of the grace period get to clean up. */
const CLEANUP_MS = 5_000;

/**
 * Stops accepting connections, lets in-flight requests finish up to the grace period, cuts off the rest
 * (their uploads fail, so they store nothing) and waits for their handlers to clean up, then releases.
 */
export async function shutDown(options: ShutdownOptions, signal: string): Promise<void> {
  const { server, inFlight, logger } = options;
  logger.info({ signal, inFlight: inFlight.size }, 'shutting down: finishing in-flight requests');
  server.close();
  server.closeIdleConnections();
  const finished = await Promise.race([
    inFlight.idle().then(() => true),
    sleep(options.gracePeriodMs, false),
  ]);
  if (!finished) {
    logger.warn({ inFlight: inFlight.size }, 'grace period over: closing the remaining connections');
    server.closeAllConnections();
    await Promise.race([inFlight.idle(), sleep(CLEANUP_MS)]);
  }
  await options.release();
  logger.info('stopped');
}
