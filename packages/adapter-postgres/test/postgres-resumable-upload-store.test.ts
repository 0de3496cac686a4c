import type { NewResumableUpload } from '@stowage/core';
import { createPostgresMetadataStore, type PostgresMetadataStore } from '../src';
import { createScratchDatabase, createTestMetadataStore, type TestMetadataStore } from '../src/testing';
import { failureOf } from './support/fixtures';

const databaseUrl = process.env.DATABASE_URL;
const onPostgres = databaseUrl ? describe : describe.skip;

const upload = (id: string, expiresAt = new Date(Date.now() + 60_000)): NewResumableUpload => ({
  id,
  bucketId: 'b',
  objectName: 'folder/ünï.bin',
  version: crypto.randomUUID(),
  length: null,
  sizeLimit: 1000,
  multipartUploadId: 'mp-1',
  upsert: true,
  owner: '11111111-1111-4111-8111-111111111111',
  ownerId: '11111111-1111-4111-8111-111111111111',
  contentType: 'image/png',
  cacheControl: 'max-age=60',
  userMetadata: { a: 1 },
  clientMetadata: { bucketName: 'b', objectName: 'folder/ünï.bin', flag: null },
  expiresAt,
});

const progress = (offset: number) => ({
  offset,
  parts: [{ partNumber: 1, etag: 'e1', size: offset - 1 }],
  tail: { key: 't/1', size: 1 },
  md5State: new Uint8Array([offset, 0, 255, 7]),
});

const lockOptions = (onRequested = () => undefined) => ({
  signal: new AbortController().signal,
  onRequested,
});

describe('resumable upload state', () => {
  let made: TestMetadataStore;
  beforeAll(async () => {
    made = await createTestMetadataStore(databaseUrl);
  });
  afterAll(() => made.cleanup());
  const uploads = () => made.store.resumableUploads;

  it('keeps what it was created with, and refuses a second upload of the same id', async () => {
    const fresh = upload('u-create');
    const created = await uploads().create(fresh);
    expect(created).toMatchObject({ ...fresh, offset: 0, parts: [] });
    expect(created.tail).toBeNull();
    expect(created.md5State).toBeNull();
    expect(created.completedAt).toBeNull();
    expect(await uploads().find('u-create')).toEqual(created);
    expect(await failureOf(uploads().create(upload('u-create')))).toMatch(/^ResourceAlreadyExists/);
    expect(await uploads().find('u-missing')).toBeUndefined();
  });

  it('records progress only from the offset the writer started at', async () => {
    await uploads().create(upload('u-progress'));
    expect(await uploads().recordProgress('u-progress', 0, progress(11))).toBe(true);
    expect(await uploads().recordProgress('u-progress', 0, progress(21))).toBe(false);
    expect(await uploads().find('u-progress')).toMatchObject(progress(11));
  });

  it('takes a deferred length once', async () => {
    await uploads().create(upload('u-length'));
    expect(await uploads().declareLength('u-length', 500)).toBe(true);
    expect(await uploads().declareLength('u-length', 600)).toBe(false);
    expect((await uploads().find('u-length'))?.length).toBe(500);
  });

  it('accepts no progress once completed', async () => {
    await uploads().create(upload('u-done'));
    await uploads().markCompleted('u-done', progress(30));
    const done = await uploads().find('u-done');
    expect(done?.completedAt).toBeInstanceOf(Date);
    expect(done).toMatchObject(progress(30));
    expect(await uploads().recordProgress('u-done', 30, progress(40))).toBe(false);
  });

  it('lists expired uploads oldest first, and forgets removed ones', async () => {
    const now = Date.now();
    await uploads().create(upload('u-old', new Date(now - 2000)));
    await uploads().create(upload('u-older', new Date(now - 5000)));
    const expired = await uploads().listExpired(new Date(now), 10);
    expect(expired.map((each) => each.id)).toEqual(['u-older', 'u-old']);
    await uploads().remove('u-older');
    await uploads().remove('u-older');
    expect((await uploads().listExpired(new Date(now), 10)).map((each) => each.id)).toEqual(['u-old']);
  });

  it('lets one request at a time hold an upload, asking the holder to let go', async () => {
    const requested = jest.fn();
    const first = await uploads().lock('u-lock', lockOptions(requested));
    const order: string[] = [];
    const second = uploads()
      .lock('u-lock', lockOptions())
      .then((lock) => {
        order.push('second');
        return lock;
      });
    const other = await uploads().lock('u-other', lockOptions());
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(requested).toHaveBeenCalled();
    order.push('released');
    await first.release();
    await (await second).release();
    await other.release();
    expect(order).toEqual(['released', 'second']);
  });

  it('stops waiting when the request is aborted', async () => {
    const held = await uploads().lock('u-abort', lockOptions());
    const controller = new AbortController();
    const waiting = uploads().lock('u-abort', { signal: controller.signal, onRequested: () => undefined });
    controller.abort(new Error('client went away'));
    await expect(waiting).rejects.toThrow('client went away');
    await held.release();
    await (await uploads().lock('u-abort', lockOptions())).release();
  });
});

onPostgres('upload locks across instances', () => {
  let drop: () => Promise<void>;
  let url: string;
  let stores: PostgresMetadataStore[];
  beforeAll(async () => {
    const scratch = await createScratchDatabase(databaseUrl ?? '');
    drop = scratch.drop;
    url = scratch.url;
    stores = [
      await createPostgresMetadataStore({ databaseUrl: scratch.url, connectionTimeoutMs: 2000 }),
      await createPostgresMetadataStore({ databaseUrl: scratch.url, connectionTimeoutMs: 2000 }),
    ];
  });
  afterAll(async () => {
    for (const store of stores) await store.close();
    await drop();
  });

  it('keeps a second instance waiting until the first releases, and times the wait out', async () => {
    const [a, b] = stores as [PostgresMetadataStore, PostgresMetadataStore];
    const held = await a.resumableUploads.lock('shared', lockOptions());
    expect(await failureOf(b.resumableUploads.lock('shared', lockOptions()))).toMatch(/^DatabaseTimeout/);
    const waiting = b.resumableUploads.lock('shared', lockOptions());
    await new Promise((resolve) => setTimeout(resolve, 200));
    await held.release();
    await (await waiting).release();
  });

  it('frees the locks of an instance that goes away', async () => {
    const [, b] = stores as [PostgresMetadataStore, PostgresMetadataStore];
    const doomed = await createPostgresMetadataStore({ databaseUrl: url });
    await doomed.resumableUploads.lock('orphan', lockOptions());
    await doomed.close();
    await (await b.resumableUploads.lock('orphan', lockOptions())).release();
  });
});
