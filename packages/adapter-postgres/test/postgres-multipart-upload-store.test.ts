import { systemScope } from '@stowage/core';
import { multipartUploadStoreContract } from '@stowage/core/testing';
import { createPostgresMetadataStore, type PostgresMetadataStore } from '../src';
import { createScratchDatabase, createTestMetadataStore, type ScratchDatabase } from '../src/testing';
import { failureOf } from './support/fixtures';

const databaseUrl = process.env.DATABASE_URL;

multipartUploadStoreContract(
  databaseUrl ? 'PostgresMultipartUploadStore on Postgres' : 'PostgresMultipartUploadStore on PGlite',
  async () => {
    const { store, cleanup } = await createTestMetadataStore(databaseUrl);
    return {
      store: store.multipartUploads,
      createBucket: async (id) => {
        await store.transaction(systemScope('test'), (tx) =>
          tx.createBucket({
            id,
            name: id,
            owner: null,
            ownerId: null,
            public: false,
            fileSizeLimit: null,
            allowedMimeTypes: null,
          }),
        );
      },
      cleanup,
    };
  },
);

const lockOptions = () => ({ signal: new AbortController().signal, onRequested: () => undefined });

(databaseUrl ? describe : describe.skip)('multipart upload locks across instances', () => {
  let scratch: ScratchDatabase;
  let stores: [PostgresMetadataStore, PostgresMetadataStore];
  beforeAll(async () => {
    scratch = await createScratchDatabase(databaseUrl ?? '');
    const open = () => createPostgresMetadataStore({ databaseUrl: scratch.url, connectionTimeoutMs: 1000 });
    stores = [await open(), await open()];
  });
  afterAll(async () => {
    for (const store of stores) await store.close();
    await scratch.drop();
  });

  it('keeps a second instance waiting, and never in the way of a resumable upload of the same id', async () => {
    const [a, b] = stores;
    const held = await a.multipartUploads.lock('shared', lockOptions());
    expect(await failureOf(b.multipartUploads.lock('shared', lockOptions()))).toMatch(/^DatabaseTimeout/);
    await (await b.resumableUploads.lock('shared', lockOptions())).release();
    const waiting = b.multipartUploads.lock('shared', lockOptions());
    await held.release();
    await (await waiting).release();
  });
});
