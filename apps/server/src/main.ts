import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { ImageContext, MetadataStore, StorageContext } from '@stowage/core';
import { createStorageApp } from '@stowage/http-express';
import express from 'express';
import pino from 'pino';
import { apiKeys } from './api-keys';
import { loadConfig } from './config';
import { createContainer, TOKENS } from './container';
import { requestLog } from './request-log';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = pino({ level: config.LOG_LEVEL });
  const container = await createContainer(config);
  const app = express();
  app.disable('x-powered-by');
  app.use(requestLog(logger));
  const keys = await apiKeys(config);
  app.use(
    createStorageApp({
      context: container.resolve<StorageContext>(TOKENS.context),
      images: container.isRegistered(TOKENS.images)
        ? container.resolve<ImageContext>(TOKENS.images)
        : undefined,
      s3: {
        ...(config.S3_PROTOCOL_ACCESS_KEY_ID &&
          config.S3_PROTOCOL_ACCESS_KEY_SECRET && {
            accessKey: { id: config.S3_PROTOCOL_ACCESS_KEY_ID, secret: config.S3_PROTOCOL_ACCESS_KEY_SECRET },
          }),
        sessionTokenSecret: keys.anonKey,
      },
    }),
  );

  const server = app.listen(config.SERVER_PORT, config.SERVER_HOST);
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

  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    server.close(async () => {
      await container.resolve<MetadataStore>(TOKENS.metadata).close();
      logger.info('stopped');
      process.exit(0);
    });
    server.closeIdleConnections();
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
