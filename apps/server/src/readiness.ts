import { type BlobStore, type MetadataStore, systemScope } from '@stowage/core';
import type { ReadinessReport } from '@stowage/http-express';

type Check = () => Promise<unknown>;

/** Settles with the check's outcome, or a timeout once `timeoutMs` passes without one. */
async function run(check: Check, timeoutMs: number): Promise<ReadinessReport['checks'][string]> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([check(), timeout]);
    return { ok: true, durationMs: performance.now() - started };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, durationMs: performance.now() - started, error: message };
  } finally {
    clearTimeout(timer);
  }
}

export interface ReadinessOptions {
  readonly metadata: MetadataStore;
  readonly blobs: BlobStore;
  readonly tenantId: string;
  readonly timeoutMs: number;
  /** True once shutdown has begun: the load balancer should stop sending requests. */
  readonly stopping: () => boolean;
}

/**
 * Readiness: a unit of work on the database (role switch included) and a HEAD on the blob backend, each
 * bounded by the timeout; never ready while shutting down.
 */
export function readiness(options: ReadinessOptions): () => Promise<ReadinessReport> {
  const checks: Record<string, Check> = {
    database: () =>
      options.metadata.transaction(systemScope('health.check'), (tx) => tx.findBucket('health-check')),
    blobBackend: () => options.blobs.head(`${options.tenantId}/health-check`),
  };
  return async () => {
    const names = Object.keys(checks);
    const results = await Promise.all(names.map((name) => run(checks[name] as Check, options.timeoutMs)));
    const report = Object.fromEntries(
      names.map((name, i) => [name, results[i] as ReadinessReport['checks'][string]]),
    );
    const stopping = options.stopping();
    return {
      ready: !stopping && results.every((result) => result.ok),
      checks: stopping
        ? { ...report, shutdown: { ok: false, durationMs: 0, error: 'shutting down' } }
        : report,
    };
  };
}
