import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type {
  BlobStore,
  ImageContext,
  MetadataStore,
  MultipartUploadStore,
  StorageContext,
} from '@stowage/core';
import { createStorageApp, InFlightRequests, type ResumableSettings } from '@stowage/http-express';
import { apiKeys } from './api-keys';
import { loadConfig } from './config';
import { createContainer, TOKENS } from './container';
import { shutDown } from './graceful-shutdown';
import { createLogger, requestLogger } from './logging';
import { readiness } from './readiness';
import { startResumableSweep } from './resumable-sweep';
import type { ServerMetrics } from './server-metrics';
import { exposedGc, YoungGarbage } from './young-garbage';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  const container = await createContainer(config);
  const keys = await apiKeys(config);
  const inFlight = new InFlightRequests();
  const metadata = container.resolve<MetadataStore>(TOKENS.metadata);
  let stopping = false;
  const metrics = container.isRegistered(TOKENS.metrics)
    ? container.resolve<ServerMetrics>(TOKENS.metrics)
    : undefined;
  const context = container.resolve<StorageContext>(TOKENS.context);
  const resumable = container.resolve<ResumableSettings>(TOKENS.resumable);
  const stopSweep = startResumableSweep(context, resumable, logger);
  const app = createStorageApp({
    context,
    resumable,
    logger: requestLogger(logger),
    inFlight,
    ...(metrics && { metrics: { registry: metrics.registry, token: config.METRICS_TOKEN } }),
    readiness: readiness({
      metadata,
      blobs: container.resolve<BlobStore>(TOKENS.blobs),
      tenantId: config.TENANT_ID,
      timeoutMs: config.HEALTH_CHECK_TIMEOUT_MS,
      stopping: () => stopping,
    }),
    images: container.isRegistered(TOKENS.images)
      ? container.resolve<ImageContext>(TOKENS.images)
      : undefined,
    s3: {
      ...(config.S3_PROTOCOL_ACCESS_KEY_ID &&
        config.S3_PROTOCOL_ACCESS_KEY_SECRET && {
          accessKey: { id: config.S3_PROTOCOL_ACCESS_KEY_ID, secret: config.S3_PROTOCOL_ACCESS_KEY_SECRET },
        }),
      sessionTokenSecret: keys.anonKey,
      uploads: container.resolve<MultipartUploadStore>(TOKENS.uploads),
    },
  });

  const server = app.listen(config.SERVER_PORT, config.SERVER_HOST);
  const gc = exposedGc();
  if (gc) server.on('request', new YoungGarbage(gc).watch);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const host = config.SERVER_HOST === '0.0.0.0' ? 'localhost' : config.SERVER_HOST;
  logger.info(
    { backend: config.STORAGE_BACKEND, database: config.DATABASE_URL ? 'postgres' : 'pglite' },
    'ready',
  );
  process.stdout.write(
    `\nStowage is listening on http://${host}:${port}\n` +
      (config.developmentSecret
        ? 'Using the development JWT secret: set AUTH_JWT_SECRET in production.\n'
        : '') +
      `anon key:         ${keys.anonKey}\nservice_role key: ${keys.serviceKey}\n\n`,
  );

  // Keep-alive connections are closed after their current response once shutdown has begun.
  server.prependListener('request', (_req, res) => {
    if (stopping) res.setHeader('connection', 'close');
  });
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    stopSweep();
    const release = () => metadata.close();
    shutDown({ server, inFlight, gracePeriodMs: config.SHUTDOWN_GRACE_PERIOD_MS, release, logger }, signal)
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
