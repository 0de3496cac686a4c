import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StorageClient } from '@supabase/storage-js';
import { dartForm, dartPath } from './support/dart-requests';
import { expressibleByStorageJs, matrixKeys, nfc, nfd } from './support/key-matrix';
import { blobBackends, jwtFor, storageAppFixture } from './support/storage-app-fixture';

/**
 * The key matrix through every call of @supabase/storage-js. storage-js puts a key into its URLs raw, so
 * a key holding `?`, `#` or `%` cannot be named in a URL path by it (the request names another key or
 * none); those keys go through the calls that carry keys in a JSON body, and through the signed URLs the
 * server returns encoded.
 */
describe.each(blobBackends)('storage-js with every key on the %s blob store', (backend) => {
  let server: Server;
  let seed: (bucket: string, key: string, body: string) => Promise<unknown>;
  let storage: StorageClient;
  let anon: StorageClient;

  beforeAll(async () => {
    const { app, request, service } = await storageAppFixture(backend);
    await request.post('/bucket').set('authorization', service).send({ name: 'pics', public: true });
    await request.post('/bucket').set('authorization', service).send({ name: 'other' });
    // Keys storage-js cannot put in a URL path are stored as the Dart client sends them.
    seed = (bucket, key, body) =>
      request
        .post(`/object/${bucket}/${dartPath(key)}`)
        .set('authorization', service)
        .set('content-type', 'multipart/form-data; boundary=seed')
        .send(dartForm('seed', Buffer.from(body), 'text/plain'));
    server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const key = service.replace('Bearer ', '');
    storage = new StorageClient(url, { apikey: key, Authorization: service });
    anon = new StorageClient(url, { apikey: await jwtFor({ role: 'anon' }) });
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const bytes = (text: string) => new Blob([text], { type: 'text/plain' });
  const text = async (download: Promise<{ data: Blob | null }>) => (await download).data?.text();

  describe.each(matrixKeys.filter(expressibleByStorageJs))('the key %s', (key) => {
    const folder = key.includes('/') ? key.slice(0, key.lastIndexOf('/')) : '';
    const name = key.slice(key.lastIndexOf('/') + 1);

    it('uploads, updates, downloads, describes and finds it', async () => {
      const bucket = storage.from('pics');
      expect((await bucket.upload(key, bytes(`first ${key}`))).data).toMatchObject({ path: key });
      expect(
        (await bucket.update(key, Buffer.from(`second ${key}`), { contentType: 'text/plain' })).error,
      ).toBeNull();
      expect(await text(bucket.download(key))).toBe(`second ${key}`);
      expect((await bucket.info(key)).data).toMatchObject({
        name: key,
        size: Buffer.byteLength(`second ${key}`),
      });
      expect((await bucket.exists(key)).data).toBe(true);
    });

    it('lists it under its folder in list v1 and v2, as given', async () => {
      const bucket = storage.from('pics');
      expect((await bucket.list(folder, { limit: 1000 })).data?.map((entry) => entry.name)).toContain(name);
      const v2 = await bucket.listV2({ prefix: key });
      expect(v2.data?.objects.map((object) => object.name)).toEqual([key]);
    });

    it('signs URLs that open, and takes an upload through a signed upload URL', async () => {
      const bucket = storage.from('pics');
      const signed = await bucket.createSignedUrl(key, 60);
      expect(await (await fetch(signed.data?.signedUrl as string)).text()).toBe(`second ${key}`);
      const many = await bucket.createSignedUrls([key], 60);
      expect(many.data).toEqual([expect.objectContaining({ path: key, error: null })]);
      expect(await (await fetch(many.data?.[0]?.signedUrl as string)).text()).toBe(`second ${key}`);
      const upload = await bucket.createSignedUploadUrl(key, { upsert: true });
      const put = await anon
        .from('pics')
        .uploadToSignedUrl(key, upload.data?.token as string, bytes(`third ${key}`));
      expect(put.data).toEqual({ path: key, fullPath: `pics/${key}` });
      expect(await text(bucket.download(key))).toBe(`third ${key}`);
      const open = anon.from('pics').getPublicUrl(key);
      expect(await (await fetch(open.data.publicUrl)).text()).toBe(`third ${key}`);
    });

    it('copies, moves and removes it', async () => {
      const bucket = storage.from('pics');
      expect((await bucket.copy(key, key, { destinationBucket: 'other' })).error).toBeNull();
      expect(await text(storage.from('other').download(key))).toBe(`third ${key}`);
      expect((await storage.from('other').move(key, key, { destinationBucket: 'pics' })).error).toMatchObject(
        {
          statusCode: '409',
        },
      );
      const removed = await storage.from('other').remove([key]);
      expect(removed.data).toEqual([expect.objectContaining({ name: key })]);
      expect((await bucket.remove([key])).data).toEqual([expect.objectContaining({ name: key })]);
      expect((await bucket.exists(key)).data).toBe(false);
    });
  });

  describe.each(matrixKeys.filter((key) => !expressibleByStorageJs(key)))('the key %s', (key) => {
    it('is listed as given, signed in batch, copied, moved and removed', async () => {
      await seed('pics', key, `seeded ${key}`);
      const bucket = storage.from('pics');
      expect((await bucket.listV2({ prefix: key })).data?.objects.map((object) => object.name)).toEqual([
        key,
      ]);
      const folder = key.includes('/') ? key.slice(0, key.lastIndexOf('/')) : '';
      const names = (await bucket.list(folder, { limit: 1000 })).data?.map((entry) => entry.name);
      expect(names).toContain(key.slice(key.lastIndexOf('/') + 1));
      const many = await bucket.createSignedUrls([key], 60);
      expect(await (await fetch(many.data?.[0]?.signedUrl as string)).text()).toBe(`seeded ${key}`);
      expect((await bucket.copy(key, key, { destinationBucket: 'other' })).error).toBeNull();
      expect((await storage.from('other').move(key, `${key}.moved`)).error).toBeNull();
      const removed = await storage.from('other').remove([`${key}.moved`]);
      expect(removed.data).toEqual([expect.objectContaining({ name: `${key}.moved` })]);
      expect((await bucket.remove([key])).data).toEqual([expect.objectContaining({ name: key })]);
    });
  });

  it('keeps the NFC and NFD forms of a name as two objects', async () => {
    const bucket = storage.from('pics');
    expect((await bucket.upload(nfc, bytes('composed'))).error).toBeNull();
    expect((await bucket.upload(nfd, bytes('decomposed'))).error).toBeNull();
    expect(await text(bucket.download(nfc))).toBe('composed');
    expect(await text(bucket.download(nfd))).toBe('decomposed');
    const names = (await bucket.list('normal')).data?.map((entry) => entry.name);
    expect(names?.sort()).toEqual([nfc.slice(7), nfd.slice(7)].sort());
  });
});
