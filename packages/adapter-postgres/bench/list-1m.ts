/**
 * Listing benchmark on real Postgres: seeds 1,000,000 objects in one bucket (generate_series, in SQL) and
 * times pages of list v1 and v2 under a prefix, each a whole unit of work (BEGIN, session settings, the
 * listing query, COMMIT) through the store, median of many runs. Target: a page under 20 ms.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres pnpm --filter @stowage/adapter-postgres bench:list
 *
 * Works in a scratch database of its own, dropped at the end.
 */
import { type ListObjectsQuery, type ListObjectsV2Query, type Scope, systemScope } from '@stowage/core';
import { sql } from 'kysely';
import { createPostgresMetadataStore, type PostgresMetadataStore } from '../src';
import { createScratchDatabase } from '../src/testing';

const OBJECTS = 1_000_000;
const RUNS = 60;
const BUCKET = 'bench';

const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * 1000 user folders of 1000 objects each: 400 files directly in the folder, 500 under `photos/`, 100
 * under `archive/<0..6>/`.
 */
async function seed(store: PostgresMetadataStore): Promise<void> {
  await store.transaction(systemScope('bench'), (tx) =>
    tx.createBucket({
      id: BUCKET,
      name: BUCKET,
      owner: null,
      ownerId: null,
      public: false,
      fileSizeLimit: null,
      allowedMimeTypes: null,
    }),
  );
  await sql`
    insert into storage.objects (bucket_id, name, version, metadata)
    select ${BUCKET},
           'u' || lpad((i % 1000)::text, 4, '0') || '/' || case
             when (i / 1000) % 10 < 4 then 'doc-' || lpad(i::text, 7, '0') || '.pdf'
             when (i / 1000) % 10 < 9 then 'photos/' || lpad(i::text, 7, '0') || '.jpg'
             else 'archive/' || (i % 7) || '/' || lpad(i::text, 7, '0') || '.bin'
           end,
           md5(i::text),
           jsonb_build_object('eTag', '"' || md5(i::text) || '"', 'size', i, 'mimetype', 'application/octet-stream',
             'cacheControl', 'max-age=3600', 'lastModified', now(), 'contentLength', i, 'httpStatusCode', 200)
    from generate_series(0, ${OBJECTS - 1}) as i`.execute(store.db);
  await sql`vacuum analyze storage.objects`.execute(store.db);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const p95 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.95)] ?? NaN;

async function time(label: string, run: () => Promise<number>): Promise<void> {
  let entries = 0;
  for (let i = 0; i < 5; i++) entries = await run();
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint();
    await run();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  const row = `${label.padEnd(58)} ${String(entries).padStart(5)} entries  median ${median(samples).toFixed(2).padStart(6)} ms  p95 ${p95(samples).toFixed(2).padStart(6)} ms`;
  console.log(row);
}

async function main() {
  const scratch = await createScratchDatabase(serverUrl);
  const store = await createPostgresMetadataStore({ databaseUrl: scratch.url, poolSize: 2 });
  try {
    const started = Date.now();
    await seed(store);
    console.log(`seeded ${OBJECTS} objects in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    // A user-folder policy, so the authenticated runs pay for row level security; written as Supabase
    // advises, the claim in a sub-select, so Postgres reads it once per statement rather than per row.
    await sql`create policy "own folder" on storage.objects for select to authenticated
      using ((storage.foldername(name))[1] = (select auth.jwt() ->> 'folder'))`.execute(store.db);

    const service = systemScope('bench');
    const user: Scope = {
      caller: {
        role: 'authenticated',
        claims: { role: 'authenticated', sub: 'bench-user', folder: 'u0042' },
      },
      operation: 'object.list',
    };
    const v1 = (scope: Scope, query: Partial<ListObjectsQuery>) => () =>
      store
        .transaction(scope, (tx) =>
          tx.listObjects({
            bucketId: BUCKET,
            prefix: '',
            limit: 100,
            offset: 0,
            sortBy: { column: 'name', order: 'asc' },
            ...query,
          }),
        )
        .then((entries) => entries.length);
    const v2 = (scope: Scope, query: Partial<ListObjectsV2Query>) => () =>
      store
        .transaction(scope, (tx) =>
          tx.listObjectsV2({
            bucketId: BUCKET,
            prefix: '',
            limit: 100,
            withDelimiter: true,
            sortBy: { column: 'name', order: 'asc' },
            ...query,
          }),
        )
        .then((page) => page.folders.length + page.objects.length);
    const secondPage = await store.transaction(service, (tx) =>
      tx.listObjectsV2({
        bucketId: BUCKET,
        prefix: 'u0042/photos/',
        limit: 100,
        withDelimiter: true,
        sortBy: { column: 'name', order: 'asc' },
      }),
    );

    await time('v1 root, 100 of 1000 folders', v1(service, {}));
    await time('v1 u0042/ (2 folders + 400 files), first 100', v1(service, { prefix: 'u0042/' }));
    await time('v1 u0042/, offset 300', v1(service, { prefix: 'u0042/', offset: 300 }));
    await time('v1 u0042/photos/, 100 of 500 files', v1(service, { prefix: 'u0042/photos' }));
    await time(
      'v1 u0042/ by updated_at desc',
      v1(service, { prefix: 'u0042/', sortBy: { column: 'updated_at', order: 'desc' } }),
    );
    await time('v1 u0042/ search "doc-00420"', v1(service, { prefix: 'u0042/', search: 'doc-00420' }));
    await time('v1 u0042/ as authenticated under a folder policy', v1(user, { prefix: 'u0042/' }));
    // The policy must read every row of the bucket to find the visible ones: no index can skip them.
    await time('v1 root as authenticated under a folder policy', v1(user, {}));
    await time('v2 root with delimiter, 100 of 1000 folders', v2(service, {}));
    await time('v2 u0042/ with delimiter, 100', v2(service, { prefix: 'u0042/' }));
    await time(
      'v2 u0042/photos/ second page by cursor',
      v2(service, { prefix: 'u0042/photos/', cursor: secondPage.nextCursor }),
    );
    await time(
      'v2 u0042/ without delimiter, 1000',
      v2(service, { prefix: 'u0042/', withDelimiter: false, limit: 1000 }),
    );
    await time('v2 root with delimiter, 1000 folders', v2(service, { limit: 1000 }));
    await time('v2 u0042/ as authenticated under a folder policy', v2(user, { prefix: 'u0042/' }));
  } finally {
    await store.close();
    await scratch.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
