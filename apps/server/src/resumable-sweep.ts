import type { StorageContext } from '@stowage/core';
import { type ResumableSettings, sweepExpiredUploads } from '@stowage/http-express';
import type { Logger } from 'pino';

/** At most this long between sweeps, so expired uploads' parts do not linger much past their expiry. */
const MAX_INTERVAL_MS = 10 * 60 * 1000;

/** Sweeps expired resumable uploads periodically; call the returned function to stop. */
export function startResumableSweep(
  context: StorageContext,
  resumable: ResumableSettings,
  logger: Logger,
): () => void {
  const sweep = () =>
    sweepExpiredUploads(context, resumable.uploads).then(
      (removed) => {
        if (removed > 0) logger.info({ removed }, 'removed expired resumable uploads');
      },
      (error: unknown) => logger.warn({ err: error }, 'sweeping expired resumable uploads failed'),
    );
  const timer = setInterval(sweep, Math.min(resumable.expiresInMs, MAX_INTERVAL_MS));
  timer.unref();
  return () => clearInterval(timer);
}
