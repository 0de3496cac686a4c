import type { PoolUse, QueryObserver } from '@stowage/adapter-postgres';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { BlobOperationObserver } from './instrumented-blob-store';

/** The server's metrics registry and the observers that feed it from the database and the blob store. */
export interface ServerMetrics {
  readonly registry: Registry;
  readonly onBlobOperation: BlobOperationObserver;
  readonly onQuery: QueryObserver;
  /** Reports the pool's use at each scrape. */
  watchPool(poolUse: () => PoolUse | undefined): void;
}

const LATENCY_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Node's runtime metrics, database and blob backend metrics; http-express adds the HTTP ones. */
export function createServerMetrics(): ServerMetrics {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry });
  const blobLatency = new Histogram({
    name: 'stowage_blob_operation_duration_seconds',
    help: 'Blob backend operations, by operation (get: until the stream is ready)',
    labelNames: ['operation'],
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const blobErrors = new Counter({
    name: 'stowage_blob_operation_errors_total',
    help: 'Blob backend operations that failed, by operation',
    labelNames: ['operation'],
    registers,
  });
  const queryLatency = new Histogram({
    name: 'stowage_db_query_duration_seconds',
    help: 'Database queries',
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const queryErrors = new Counter({
    name: 'stowage_db_query_errors_total',
    help: 'Queries that failed',
    registers,
  });
  let poolUse: () => { total: number; idle: number; waiting: number; max: number } | undefined = () =>
    undefined;
  const pool = new Gauge({
    name: 'stowage_db_pool_connections',
    help: 'Database pool connections, by state: total, idle, waiting (requests queued for one), max',
    labelNames: ['state'],
    registers,
    collect() {
      const use = poolUse();
      if (!use) return;
      for (const [state, value] of Object.entries(use)) this.set({ state }, value);
    },
  });
  return {
    registry,
    onBlobOperation(operation, seconds, failed) {
      blobLatency.observe({ operation }, seconds);
      if (failed) blobErrors.inc({ operation });
    },
    onQuery(durationMs, failed) {
      queryLatency.observe(durationMs / 1000);
      if (failed) queryErrors.inc();
    },
    watchPool(use) {
      poolUse = use;
      pool.reset();
    },
  };
}
