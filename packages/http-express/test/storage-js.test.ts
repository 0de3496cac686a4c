import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StorageClient } from '@supabase/storage-js';
import { jwtFor, storageAppFixture } from './support/storage-app-fixture';

/** The API as @supabase/storage-js sees it, over a real loopback socket. */
describe('storage-js compatibility', () => {
  let server: Server;
  let storage: StorageClient;
  let anon: StorageClient;

  beforeAll(async () => {
    const { app, service } = await storageAppFixture();
    server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const serviceKey = service.replace('Bearer ', '');
    storage = new StorageClient(url, { apikey: serviceKey, Authorization: `Bearer ${serviceKey}` });
    anon = new StorageClient(url, { apikey: await jwtFor({ role: 'anon' }) });
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('manages buckets', async () => {
    expect(await storage.createBucket('photos', { public: true, fileSizeLimit: '1MB' })).toMatchObject({
      data: { name: 'photos' },
      error: null,
    });
    const { data: bucket } = await storage.getBucket('photos');
    expect(bucket).toMatchObject({ id: 'photos', public: true, file_size_limit: 1_000_000 });
    const { data: buckets } = await storage.listBuckets();
    expect(buckets?.map((b) => b.id)).toContain('photos');
    expect(
      (await storage.updateBucket('photos', { public: true, allowedMimeTypes: ['image/*', 'text/*'] })).error,
    ).toBeNull();
    const { error } = await storage.createBucket('photos');
    expect(error).toMatchObject({ statusCode: '409' });
  });

  it('uploads, downloads, describes and lists objects', async () => {
    const bucket = storage.from('photos');
    const key = 'über/a b+c.txt';
    const up = await bucket.upload(key, new Blob(['hello'], { type: 'text/plain' }), { upsert: false });
    expect(up.error).toBeNull();
    expect(up.data).toMatchObject({ path: key, fullPath: `photos/${key}` });

    const raw = await bucket.upload('raw.txt', Buffer.from('raw bytes'), { contentType: 'text/plain' });
    expect(raw.error).toBeNull();
    const updated = await bucket.update('raw.txt', Buffer.from('new bytes'), { contentType: 'text/plain' });
    expect(updated.error).toBeNull();

    const { data: blob } = await bucket.download(key);
    expect(await blob?.text()).toBe('hello');
    const info = await bucket.info(key);
    expect(info.data).toMatchObject({ name: key, size: 5, contentType: 'text/plain' });
    expect((await bucket.exists(key)).data).toBe(true);
    expect((await bucket.exists('nope.txt')).data).toBe(false);

    const { data: entries } = await bucket.list('über');
    expect(entries?.map((entry) => entry.name)).toEqual(['a b+c.txt']);
    const dup = await bucket.upload(key, new Blob(['again'], { type: 'text/plain' }));
    expect(dup.error).toMatchObject({ statusCode: '409' });
  });

  it('signs URLs that open as returned', async () => {
    const bucket = storage.from('photos');
    const { data } = await bucket.createSignedUrl('über/a b+c.txt', 60);
    const res = await fetch(data?.signedUrl as string);
    expect(await res.text()).toBe('hello');
    const many = await bucket.createSignedUrls(['über/a b+c.txt', 'nope.txt'], 60);
    expect(many.data?.map((entry) => entry.error)).toEqual([null, expect.any(String)]);

    const upload = await bucket.createSignedUploadUrl('signed/up.txt');
    expect(upload.error).toBeNull();
    const put = await bucket.uploadToSignedUrl(
      'signed/up.txt',
      upload.data?.token as string,
      new Blob(['via token'], { type: 'text/plain' }),
    );
    expect(put.error).toBeNull();
    expect(await (await bucket.download('signed/up.txt')).data?.text()).toBe('via token');
  });

  it('reads a public bucket anonymously through getPublicUrl', async () => {
    const { data } = anon.from('photos').getPublicUrl('über/a b+c.txt');
    expect(await (await fetch(data.publicUrl)).text()).toBe('hello');
  });

  it('moves, copies, removes and empties', async () => {
    const bucket = storage.from('photos');
    expect((await bucket.copy('raw.txt', 'copy.txt')).error).toBeNull();
    expect((await bucket.move('copy.txt', 'moved.txt')).error).toBeNull();
    const removed = await bucket.remove(['moved.txt', 'raw.txt']);
    expect(removed.data?.map((row) => row.name).sort()).toEqual(['moved.txt', 'raw.txt']);
    expect((await storage.emptyBucket('photos')).error).toBeNull();
    expect((await storage.deleteBucket('photos')).error).toBeNull();
  });
});
