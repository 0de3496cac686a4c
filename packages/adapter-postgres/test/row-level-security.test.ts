import { anonymous, type MetadataTransaction, type Scope, systemScope } from '@stowage/core';
import { sql } from 'kysely';
import type { PostgresMetadataStore } from '../src';
import { createTestMetadataStore, type TestMetadataStore } from '../src/testing';
import { bucketNamed, failureOf as failure, objectRow as row } from './support/fixtures';

const alice = '11111111-1111-4111-8111-111111111111';
const bob = '22222222-2222-4222-8222-222222222222';

const service = systemScope('test');
const anon: Scope = { caller: anonymous(), operation: 'test' };
const user = (sub: string, claims: Record<string, unknown> = {}): Scope => ({
  caller: { role: 'authenticated', claims: { role: 'authenticated', sub, ...claims } },
  operation: 'test',
});

let made: TestMetadataStore;
let store: PostgresMetadataStore;
const as = <T>(scope: Scope, work: (tx: MetadataTransaction) => Promise<T>) => store.transaction(scope, work);

beforeAll(async () => {
  made = await createTestMetadataStore(process.env.DATABASE_URL);
  store = made.store;
  for (const id of ['userfiles', 'private', 'readonly', 'no-update', 'legacy', 'claims']) {
    await as(service, (tx) => tx.createBucket(bucketNamed(id)));
  }
  await as(service, (tx) => tx.createBucket(bucketNamed('open', { public: true })));
  // The policies users write in the Supabase dashboard, unchanged.
  const policies = [
    sql`create policy "own folder: read" on storage.objects for select to authenticated
      using (bucket_id = 'userfiles' and (storage.foldername(name))[1] = auth.uid()::text)`,
    sql`create policy "own folder: write" on storage.objects for insert to authenticated
      with check (bucket_id = 'userfiles' and (storage.foldername(name))[1] = auth.uid()::text)`,
    sql`create policy "own folder: update" on storage.objects for update to authenticated
      using (bucket_id = 'userfiles' and (storage.foldername(name))[1] = auth.uid()::text)
      with check (bucket_id = 'userfiles' and (storage.foldername(name))[1] = auth.uid()::text)`,
    sql`create policy "own folder: delete" on storage.objects for delete to authenticated
      using (bucket_id = 'userfiles' and (storage.foldername(name))[1] = auth.uid()::text)`,
    sql`create policy "read only" on storage.objects for select to authenticated using (bucket_id = 'readonly')`,
    sql`create policy "no update: read" on storage.objects for select to authenticated using (bucket_id = 'no-update')`,
    sql`create policy "no update: insert" on storage.objects for insert to authenticated
      with check (bucket_id = 'no-update')`,
    sql`create policy "legacy: read" on storage.objects for select
      using (bucket_id = 'legacy' and owner_id = current_setting('request.jwt.claim.sub', true)
             and current_setting('request.jwt.claim.role', true) = 'authenticated')`,
    sql`create policy "legacy: insert" on storage.objects for insert
      with check (bucket_id = 'legacy' and owner_id = current_setting('request.jwt.claim.sub', true))`,
    sql`create policy "claims: read" on storage.objects for select
      using (bucket_id = 'claims' and auth.role() = 'authenticated' and auth.jwt() ->> 'tier' = 'gold'
             and current_setting('request.headers', true)::jsonb ->> 'x-team' = 'blue'
             and current_setting('request.method', true) = 'GET'
             and current_setting('storage.operation', true) = 'object.get')`,
    sql`create policy "public buckets" on storage.buckets for select to anon, authenticated using (public)`,
  ];
  for (const policy of policies) await policy.execute(store.db);
  for (const [bucketId, name] of [
    ['userfiles', `${alice}/a.txt`],
    ['userfiles', `${bob}/b.txt`],
    ['private', 'secret.txt'],
    ['private', 'dir/deeper.txt'],
    ['readonly', 'r.txt'],
    ['claims', 'c.txt'],
  ] as const) {
    await as(service, (tx) => tx.insertObject(row(bucketId, name)));
  }
});

afterAll(() => made?.cleanup());

describe('a user-folder policy', () => {
  it('lets a user write under its own folder only', async () => {
    await expect(
      as(user(alice), (tx) => tx.insertObject(row('userfiles', `${alice}/new.txt`))),
    ).resolves.toMatchObject({
      name: `${alice}/new.txt`,
    });
    expect(await failure(as(user(alice), (tx) => tx.insertObject(row('userfiles', `${bob}/new.txt`))))).toBe(
      'AccessDenied: new row violates row-level security policy',
    );
  });

  it('lets a user read only its own folder', async () => {
    expect(await as(user(alice), (tx) => tx.findObject('userfiles', `${alice}/a.txt`))).toBeDefined();
    expect(await as(user(alice), (tx) => tx.findObject('userfiles', `${bob}/b.txt`))).toBeUndefined();
    expect(
      await as(user(alice), (tx) => tx.findObjectNames('userfiles', [`${alice}/a.txt`, `${bob}/b.txt`])),
    ).toEqual(new Set([`${alice}/a.txt`]));
    const listing = await as(user(alice), (tx) =>
      tx.listObjects({
        bucketId: 'userfiles',
        prefix: '',
        limit: 100,
        offset: 0,
        sortBy: { column: 'name', order: 'asc' },
      }),
    );
    expect(listing).toEqual([{ name: alice, object: null }]);
    const page = await as(user(bob), (tx) =>
      tx.listObjectsV2({
        bucketId: 'userfiles',
        prefix: '',
        limit: 100,
        withDelimiter: false,
        sortBy: { column: 'name', order: 'asc' },
      }),
    );
    expect(page.objects.map((object) => object.name)).toEqual([`${bob}/b.txt`]);
  });

  it('lets a user delete only in its own folder, returning only what it deleted', async () => {
    await as(service, (tx) => tx.insertObject(row('userfiles', `${alice}/doomed.txt`)));
    const byBob = await as(user(bob), (tx) => tx.deleteObjects('userfiles', [`${alice}/doomed.txt`]));
    expect(byBob).toEqual([]);
    const byAlice = await as(user(alice), (tx) =>
      tx.deleteObjects('userfiles', [`${alice}/doomed.txt`, `${bob}/b.txt`]),
    );
    expect(byAlice.map((object) => object.name)).toEqual([`${alice}/doomed.txt`]);
    expect(await as(service, (tx) => tx.findObject('userfiles', `${bob}/b.txt`))).toBeDefined();
  });

  it('lets a user overwrite its own object (UPDATE policy) and not move it into another folder', async () => {
    const before = await as(service, (tx) => tx.findObject('userfiles', `${alice}/a.txt`));
    const upserted = await as(user(alice), (tx) => tx.upsertObject(row('userfiles', `${alice}/a.txt`)));
    expect(upserted.previousVersion).toBe(before?.version);
    const move = as(user(alice), (tx) =>
      tx.moveObject(
        { bucketId: 'userfiles', name: `${alice}/a.txt` },
        { bucketId: 'userfiles', name: `${bob}/stolen.txt`, owner: alice, ownerId: alice },
      ),
    );
    expect(await failure(move)).toMatch(/^AccessDenied/);
    const hidden = await as(user(bob), (tx) =>
      tx.moveObject(
        { bucketId: 'userfiles', name: `${alice}/a.txt` },
        { bucketId: 'userfiles', name: `${bob}/a.txt`, owner: bob, ownerId: bob },
      ),
    );
    expect(hidden).toBeUndefined();
  });

  it('refuses a name taken by a row the caller cannot see, and counts hidden rows as contents', async () => {
    await as(service, (tx) => tx.insertObject(row('userfiles', `${bob}/taken.txt`)));
    await sql`create policy "anyone inserts taken" on storage.objects for insert to authenticated
      with check (bucket_id = 'userfiles' and name like '%/taken.txt')`.execute(store.db);
    const insert = as(user(alice), (tx) => tx.insertObject(row('userfiles', `${bob}/taken.txt`)));
    expect(await failure(insert)).toMatch(/^KeyAlreadyExists/);
    expect(await as(anon, (tx) => tx.bucketHasObjects('userfiles'))).toBe(true);
    expect(await as(anon, (tx) => tx.findObject('userfiles', `${bob}/taken.txt`))).toBeUndefined();
  });
});

describe('without a policy', () => {
  it('shows anon nothing in a private bucket', async () => {
    expect(await as(anon, (tx) => tx.findObject('private', 'secret.txt'))).toBeUndefined();
    expect(
      await as(anon, (tx) =>
        tx.listObjects({
          bucketId: 'private',
          prefix: '',
          limit: 100,
          offset: 0,
          sortBy: { column: 'name', order: 'asc' },
        }),
      ),
    ).toEqual([]);
    const page = await as(anon, (tx) =>
      tx.listObjectsV2({
        bucketId: 'private',
        prefix: '',
        limit: 100,
        withDelimiter: true,
        sortBy: { column: 'name', order: 'asc' },
      }),
    );
    expect(page).toEqual({ folders: [], objects: [] });
    expect(await as(anon, (tx) => tx.findBucket('private'))).toBeUndefined();
    expect(await as(anon, (tx) => tx.deleteObjects('private', ['secret.txt']))).toEqual([]);
  });

  it('refuses anon any write', async () => {
    expect(await failure(as(anon, (tx) => tx.insertObject(row('private', 'mine.txt'))))).toMatch(
      /^AccessDenied/,
    );
    const bucket = as(anon, (tx) => tx.createBucket(bucketNamed('mine', { public: true })));
    expect(await failure(bucket)).toBe('AccessDenied: new row violates row-level security policy');
  });

  it('lists only the buckets a bucket policy shows', async () => {
    expect((await as(anon, (tx) => tx.listBuckets({}))).map((bucket) => bucket.id)).toEqual(['open']);
  });
});

describe('a SELECT-only policy', () => {
  it('allows reading but not uploading, overwriting or deleting', async () => {
    expect(await as(user(alice), (tx) => tx.findObject('readonly', 'r.txt'))).toBeDefined();
    expect(await failure(as(user(alice), (tx) => tx.insertObject(row('readonly', 'new.txt'))))).toMatch(
      /^AccessDenied/,
    );
    expect(await failure(as(user(alice), (tx) => tx.upsertObject(row('readonly', 'r.txt'))))).toMatch(
      /^AccessDenied/,
    );
    expect(await as(user(alice), (tx) => tx.deleteObjects('readonly', ['r.txt']))).toEqual([]);
    expect(await as(service, (tx) => tx.findObject('readonly', 'r.txt'))).toBeDefined();
  });
});

describe('an INSERT-only policy', () => {
  it('lets a user write a bucket and an object it may not read, stamped as stored', async () => {
    await sql`create policy "drop box: create" on storage.buckets for insert to authenticated
      with check (id = 'dropbox')`.execute(store.db);
    await sql`create policy "drop box: write" on storage.objects for insert to authenticated
      with check (bucket_id = 'dropbox')`.execute(store.db);
    const bucket = await as(user(alice), (tx) => tx.createBucket(bucketNamed('dropbox')));
    const object = await as(user(alice), (tx) => tx.insertObject(row('dropbox', 'note.txt')));
    expect(await as(user(alice), (tx) => tx.findBucket('dropbox'))).toBeUndefined();
    expect(await as(user(alice), (tx) => tx.findObject('dropbox', 'note.txt'))).toBeUndefined();
    expect(await as(service, (tx) => tx.findBucket('dropbox'))).toMatchObject({
      createdAt: bucket.createdAt,
      updatedAt: bucket.updatedAt,
    });
    expect(await as(service, (tx) => tx.findObject('dropbox', 'note.txt'))).toMatchObject({
      createdAt: object.createdAt,
      updatedAt: object.updatedAt,
      lastAccessedAt: object.lastAccessedAt,
    });
  });
});

describe('overwriting', () => {
  it('needs the UPDATE policy: INSERT and SELECT alone allow a new object only', async () => {
    await expect(as(user(alice), (tx) => tx.insertObject(row('no-update', 'a.txt')))).resolves.toBeDefined();
    await expect(as(user(alice), (tx) => tx.upsertObject(row('no-update', 'b.txt')))).resolves.toMatchObject({
      previousVersion: null,
    });
    expect(await failure(as(user(alice), (tx) => tx.upsertObject(row('no-update', 'a.txt'))))).toMatch(
      /^AccessDenied/,
    );
  });
});

describe('service_role', () => {
  it('bypasses every policy', async () => {
    expect(await as(service, (tx) => tx.findObject('private', 'secret.txt'))).toBeDefined();
    expect(await as(service, (tx) => tx.findObject('userfiles', `${bob}/b.txt`))).toBeDefined();
    await expect(
      as(service, (tx) => tx.insertObject(row('readonly', 'by-service.txt'))),
    ).resolves.toBeDefined();
    expect((await as(service, (tx) => tx.listBuckets({}))).length).toBeGreaterThanOrEqual(7);
  });
});

describe('policies in the legacy style', () => {
  it('read request.jwt.claim.sub and request.jwt.claim.role', async () => {
    await as(user(alice), (tx) => tx.insertObject(row('legacy', 'alice.txt', alice)));
    expect(await failure(as(user(alice), (tx) => tx.insertObject(row('legacy', 'forged.txt', bob))))).toMatch(
      /^AccessDenied/,
    );
    expect(await as(user(alice), (tx) => tx.findObject('legacy', 'alice.txt'))).toBeDefined();
    expect(await as(user(bob), (tx) => tx.findObject('legacy', 'alice.txt'))).toBeUndefined();
  });
});

describe('the request as policies see it', () => {
  it('exposes the claims (auth.jwt, auth.role), the headers, the method and the operation', async () => {
    const scope = (tier: string, team: string): Scope => ({
      ...user(alice, { tier }),
      operation: 'object.get',
      request: { method: 'GET', path: '/object/claims/c.txt', headers: { 'x-team': team } },
    });
    expect(await as(scope('gold', 'blue'), (tx) => tx.findObject('claims', 'c.txt'))).toBeDefined();
    expect(await as(scope('silver', 'blue'), (tx) => tx.findObject('claims', 'c.txt'))).toBeUndefined();
    expect(await as(scope('gold', 'red'), (tx) => tx.findObject('claims', 'c.txt'))).toBeUndefined();
    const otherOperation = { ...scope('gold', 'blue'), operation: 'object.list' };
    expect(await as(otherOperation, (tx) => tx.findObject('claims', 'c.txt'))).toBeUndefined();
  });
});
