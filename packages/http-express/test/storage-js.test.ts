import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { StorageApiError, StorageClient } from '@supabase/storage-js';
import { blobBackends, jwtFor, storageAppFixture } from './support/storage-app-fixture';
import { recordingCalls, storageJsPublicMembers } from './support/storage-js-surface';

const publicMembers = storageJsPublicMembers();

/**
 * The API as @supabase/storage-js sees it: a listening server driven only through the client, every
 * public member of the installed client called at least once (the last test checks it).
 */
describe.each(blobBackends)('storage-js on the %s blob store', (backend) => {
  const calls = new Set<string>();
  let server: Server;
  let url: string;
  let serviceKey: string;
  let anonKey: string;
  const client = (key: string) =>
    recordingCalls(
      new StorageClient(url, { apikey: key, Authorization: `Bearer ${key}` }),
      'StorageClient',
      calls,
    );
  let storage: StorageClient;

  beforeAll(async () => {
    const { app, service } = await storageAppFixture(backend);
    server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    serviceKey = service.replace('Bearer ', '');
    anonKey = await jwtFor({ role: 'anon' });
    storage = client(serviceKey);
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('creates, reads, updates and lists buckets', async () => {
    const created = await storage.createBucket('photos', { public: true, fileSizeLimit: '1MB' });
    expect(created).toEqual({ data: { name: 'photos' }, error: null });
    expect((await storage.createBucket('archive', { public: false })).error).toBeNull();
    expect((await storage.createBucket('photos')).error).toMatchObject({ statusCode: '409' });
    const updated = await storage.updateBucket('photos', {
      public: true,
      fileSizeLimit: 2_000_000,
      allowedMimeTypes: ['image/*', 'text/*'],
    });
    expect(updated).toEqual({ data: { message: 'Successfully updated' }, error: null });
    const { data: bucket } = await storage.getBucket('photos');
    expect(bucket).toMatchObject({
      id: 'photos',
      public: true,
      file_size_limit: 2_000_000,
      allowed_mime_types: ['image/*', 'text/*'],
    });
    const all = await storage.listBuckets();
    expect(all.data?.map((b) => b.id)).toEqual(['archive', 'photos']);
    const page = await storage.listBuckets({ limit: 1, offset: 0, sortColumn: 'name', sortOrder: 'desc' });
    expect(page.data?.map((b) => b.id)).toEqual(['photos']);
    const found = await storage.listBuckets({ search: 'arch' });
    expect(found.data?.map((b) => b.id)).toEqual(['archive']);
  });

  it('uploads Blobs as forms, raw bytes and streams, and replaces with update', async () => {
    const bucket = storage.from('photos');
    const form = await bucket.upload('über/a b+c.txt', new Blob(['hello'], { type: 'text/plain' }), {
      cacheControl: '60',
      metadata: { lang: 'de' },
    });
    expect(form).toEqual({
      data: { path: 'über/a b+c.txt', id: expect.any(String), fullPath: 'photos/über/a b+c.txt' },
      error: null,
    });
    const raw = await bucket.upload('raw.txt', Buffer.from('raw bytes'), {
      contentType: 'text/plain',
      metadata: { via: 'header' },
    });
    expect(raw.error).toBeNull();
    const stream = await bucket.upload(
      'stream.txt',
      Readable.from([Buffer.from('streamed '), Buffer.from('bytes')]),
      {
        contentType: 'text/plain',
      },
    );
    expect(stream.error).toBeNull();
    expect((await bucket.upload('raw.txt', Buffer.from('again'))).error).toMatchObject({ statusCode: '409' });
    const refused = await bucket.upload('a.zip', Buffer.from('zip'), { contentType: 'application/zip' });
    expect(refused.error).toMatchObject({ statusCode: '415' });
    expect((await bucket.info('raw.txt')).data?.metadata).toEqual({ via: 'header' });
    const updated = await bucket.update('raw.txt', Buffer.from('new bytes'), { contentType: 'text/plain' });
    expect(updated.data).toMatchObject({ path: 'raw.txt', fullPath: 'photos/raw.txt' });

    expect(await (await bucket.download('raw.txt')).data?.text()).toBe('new bytes');
    expect(await (await bucket.download('stream.txt')).data?.text()).toBe('streamed bytes');
    const info = await bucket.info('über/a b+c.txt');
    expect(info.data).toMatchObject({
      name: 'über/a b+c.txt',
      bucketId: 'photos',
      size: 5,
      contentType: 'text/plain',
      cacheControl: 'max-age=60',
      metadata: { lang: 'de' },
    });
    expect((await bucket.info('missing.txt')).error).toMatchObject({ statusCode: '404' });
    expect((await bucket.exists('über/a b+c.txt')).data).toBe(true);
    expect((await bucket.exists('missing.txt')).data).toBe(false);
  });

  it('downloads as a Blob, as a stream, with cacheNonce, and settles like a promise', async () => {
    const bucket = storage.from('photos');
    const blob = await bucket.download('über/a b+c.txt', { cacheNonce: '1700000000' });
    expect(await blob.data?.text()).toBe('hello');
    const streamed = await bucket.download('über/a b+c.txt').asStream();
    expect(await new Response(streamed.data).text()).toBe('hello');
    let settled = false;
    const missing = await bucket.download('missing.txt').finally(() => {
      settled = true;
    });
    expect(settled).toBe(true);
    expect(missing.error).toMatchObject({ statusCode: '404' });
    const thrown = await client(serviceKey)
      .from('photos')
      .throwOnError()
      .download('missing.txt')
      .catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(StorageApiError);
  });

  it('lists with list v1 and pages through list v2', async () => {
    const bucket = storage.from('photos');
    const v1 = await bucket.list('über', { limit: 10, offset: 0, sortBy: { column: 'name', order: 'asc' } });
    expect(v1.data?.map((entry) => entry.name)).toEqual(['a b+c.txt']);
    const searched = await bucket.list('', { search: 'RA' });
    expect(searched.data?.map((entry) => entry.name)).toEqual(['raw.txt']);

    const tree = await bucket.listV2({ with_delimiter: true });
    expect(tree.data?.folders.map((folder) => folder.key)).toEqual(['über']);
    expect(tree.data?.objects.map((object) => object.key)).toEqual(['raw.txt', 'stream.txt']);
    const first = await bucket.listV2({ limit: 2, sortBy: { column: 'name', order: 'asc' } });
    expect(first.data).toMatchObject({ hasNext: true, nextCursor: expect.any(String) });
    const rest = await bucket.listV2({ limit: 2, cursor: first.data?.nextCursor as string });
    expect(
      [...(first.data?.objects ?? []), ...(rest.data?.objects ?? [])].map((object) => object.name),
    ).toEqual(['raw.txt', 'stream.txt', 'über/a b+c.txt']);
    expect(rest.data?.hasNext).toBe(false);
    const under = await bucket.listV2({ prefix: 'über/' });
    expect(under.data?.objects.map((object) => object.name)).toEqual(['über/a b+c.txt']);
  });

  it('signs download URLs that open as returned, with a download name', async () => {
    const bucket = storage.from('photos');
    const signed = await bucket.createSignedUrl('über/a b+c.txt', 60, { download: 'report 1.txt' });
    const res = await fetch(signed.data?.signedUrl as string);
    expect(await res.text()).toBe('hello');
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="report 1.txt"; filename*=UTF-8''report%201.txt`,
    );
    const many = await bucket.createSignedUrls(['über/a b+c.txt', 'missing.txt'], 60);
    expect(many.data?.map((entry) => entry.error)).toEqual([null, expect.any(String)]);
    expect(await (await fetch(many.data?.[0]?.signedUrl as string)).text()).toBe('hello');
  });

  it('uploads to a signed upload URL, keeping cache control and metadata', async () => {
    const bucket = storage.from('photos');
    const signed = await bucket.createSignedUploadUrl('signed/up load.txt', { upsert: true });
    expect(signed.data).toMatchObject({ path: 'signed/up load.txt', token: expect.any(String) });
    const put = await client(anonKey)
      .from('photos')
      .uploadToSignedUrl(
        'signed/up load.txt',
        signed.data?.token as string,
        new Blob(['via token'], { type: 'text/plain' }),
        {
          cacheControl: '120',
          metadata: { signed: true },
        },
      );
    expect(put).toEqual({
      data: { path: 'signed/up load.txt', fullPath: 'photos/signed/up load.txt' },
      error: null,
    });
    expect(await (await bucket.download('signed/up load.txt')).data?.text()).toBe('via token');
    expect((await bucket.info('signed/up load.txt')).data).toMatchObject({
      cacheControl: 'max-age=120',
      metadata: { signed: true },
    });
  });

  it('reads a public bucket through getPublicUrl, with or without a download name', async () => {
    const anon = client(anonKey).from('photos');
    const { data } = anon.getPublicUrl('über/a b+c.txt');
    expect(await (await fetch(data.publicUrl)).text()).toBe('hello');
    const named = anon.getPublicUrl('über/a b+c.txt', { download: true });
    expect((await fetch(named.data.publicUrl)).headers.get('content-disposition')).toBe('attachment');
  });

  it('moves and copies within and across buckets, then removes', async () => {
    const bucket = storage.from('photos');
    expect((await bucket.copy('raw.txt', 'copy.txt')).data).toEqual({ path: 'photos/copy.txt' });
    expect((await bucket.copy('raw.txt', 'kept.txt', { destinationBucket: 'archive' })).error).toBeNull();
    expect((await bucket.move('copy.txt', 'moved.txt')).data).toEqual({ message: 'Successfully moved' });
    expect((await bucket.move('stream.txt', 'moved.txt', { destinationBucket: 'archive' })).error).toBeNull();
    expect(await (await storage.from('archive').download('kept.txt')).data?.text()).toBe('new bytes');
    expect((await bucket.move('moved.txt', 'raw.txt')).error).toMatchObject({ statusCode: '409' });
    const removed = await bucket.remove(['moved.txt', 'raw.txt', 'missing.txt']);
    expect(removed.data?.map((row) => row.name).sort()).toEqual(['moved.txt', 'raw.txt']);
  });

  it('sends extra headers set on the client, and throws when told to', async () => {
    const anon = client(anonKey);
    expect((await anon.getBucket('archive')).error).toMatchObject({ statusCode: '404' });
    anon.setHeader('Authorization', `Bearer ${serviceKey}`);
    expect((await anon.getBucket('archive')).data).toMatchObject({ id: 'archive' });
    const files = client(anonKey).from('archive');
    expect((await files.exists('kept.txt')).data).toBe(false);
    expect((await files.setHeader('Authorization', `Bearer ${serviceKey}`).exists('kept.txt')).data).toBe(
      true,
    );
    await expect(client(serviceKey).throwOnError().getBucket('nope')).rejects.toMatchObject({
      statusCode: '404',
    });
    expect(storage.from('photos').toBase64('{"a":1}')).toBe(Buffer.from('{"a":1}').toString('base64'));
  });

  it('answers the calls of features Stowage lacks with an error, not a crash', async () => {
    const lifecycle = {
      rules: [{ status: 'Enabled' as const, filter: {}, noncurrentVersionExpiration: { noncurrentDays: 1 } }],
    };
    for (const answer of [
      await storage.getBucketLifecycle('photos'),
      await storage.updateBucketLifecycle('photos', lifecycle),
      await storage.deleteBucketLifecycle('photos'),
      await storage.purgeBucketCache('photos'),
      await storage.from('photos').purgeCache('über/a b+c.txt'),
      await storage.vectors.listBuckets(),
      await storage.analytics.listBuckets(),
    ]) {
      expect(answer).toMatchObject({ data: null, error: { status: 400, statusCode: '400' } });
    }
  });

  it('empties and deletes buckets', async () => {
    expect((await storage.deleteBucket('archive')).error).toMatchObject({ statusCode: '409' });
    expect(await storage.emptyBucket('archive')).toEqual({
      data: { message: 'Successfully emptied' },
      error: null,
    });
    expect(await storage.deleteBucket('archive')).toEqual({
      data: { message: 'Successfully deleted' },
      error: null,
    });
  });

  it('has called every public member of the installed client', () => {
    expect(publicMembers.filter((member) => !calls.has(member))).toEqual([]);
  });
});
