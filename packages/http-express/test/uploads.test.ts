import { type BlobBackend, blobBackends, storageAppFixture } from './support/storage-app-fixture';

async function withBucket(backend: BlobBackend, body: Record<string, unknown> = {}, settings = {}) {
  const fixture = await storageAppFixture(backend, settings);
  await fixture.request
    .post('/bucket')
    .set('authorization', fixture.service)
    .send({ name: 'docs', ...body });
  return fixture;
}

describe.each(blobBackends)('uploads on the %s blob store', (backend) => {
  describe('upload', () => {
    it('stores a raw body with its content type, cache control and user metadata', async () => {
      const { request, service } = await withBucket(backend);
      const res = await request
        .post('/object/docs/notes/today.txt')
        .set('authorization', service)
        .set('content-type', 'text/plain')
        .set('cache-control', 'max-age=3600')
        .set('x-metadata', Buffer.from('{"lang":"en"}').toString('base64'))
        .send('hello');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ Key: 'docs/notes/today.txt', Id: expect.any(String) });

      const info = await request.get('/object/info/docs/notes/today.txt').set('authorization', service);
      expect(info.body).toMatchObject({
        name: 'notes/today.txt',
        bucket_id: 'docs',
        size: 5,
        content_type: 'text/plain',
        cache_control: 'max-age=3600',
        etag: '"5d41402abc4b2a76b9719d911017c592"',
        metadata: { lang: 'en' },
      });
    });

    it('refuses a second upload without upsert', async () => {
      const { request, service } = await withBucket(backend);
      await request.post('/object/docs/a.txt').set('authorization', service).send('one');
      const res = await request.post('/object/docs/a.txt').set('authorization', service).send('two');
      expect(res.body).toMatchObject({ statusCode: '409', error: 'Duplicate', code: 'KeyAlreadyExists' });
    });

    it('replaces with x-upsert and with PUT, keeping only the newest blob', async () => {
      const { request, service, storedBlobs } = await withBucket(backend);
      await request.post('/object/docs/a.txt').set('authorization', service).send('one');
      const upserted = await request
        .post('/object/docs/a.txt')
        .set('authorization', service)
        .set('x-upsert', 'true')
        .send('two');
      expect(upserted.status).toBe(200);
      await request.put('/object/docs/a.txt').set('authorization', service).type('text/plain').send('three');
      const got = await request.get('/object/docs/a.txt').set('authorization', service);
      expect(got.text).toBe('three');
      expect(await storedBlobs()).toEqual([expect.stringMatching(/\/docs\/a\.txt\//)]);
    });

    it('takes the file part of a multipart form with fields before and after it', async () => {
      const { request, service } = await withBucket(backend);
      const res = await request
        .post('/object/docs/photo.png')
        .set('authorization', service)
        .field('cacheControl', '60')
        // Large enough that the last field arrives while the blob store is still reading the file.
        .attach('', Buffer.alloc(1_000_000, 'p'), { filename: '', contentType: 'image/png' })
        .field('metadata', '{"camera":"x"}');
      expect(res.body).toEqual({ Key: 'docs/photo.png', Id: expect.any(String) });
      const info = await request.get('/object/info/docs/photo.png').set('authorization', service);
      expect(info.body).toMatchObject({
        size: 1_000_000,
        content_type: 'image/png',
        cache_control: 'max-age=60',
        metadata: { camera: 'x' },
      });
    });

    it('refuses a MIME type the bucket does not allow', async () => {
      const { request, service } = await withBucket(backend, { allowed_mime_types: ['image/*'] });
      const res = await request
        .post('/object/docs/a.zip')
        .set('authorization', service)
        .set('content-type', 'application/zip')
        .send('zip');
      expect(res.body).toMatchObject({
        statusCode: '415',
        code: 'InvalidMimeType',
        message: 'mime type application/zip is not supported',
      });
    });

    it('refuses a body over the bucket limit with 413 in the body, leaving nothing behind', async () => {
      const { request, service, storedBlobs } = await withBucket(backend, { file_size_limit: 10 });
      const res = await request
        .post('/object/docs/big.bin')
        .set('authorization', service)
        .set('content-type', 'application/octet-stream')
        .send(Buffer.alloc(1000));
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        statusCode: '413',
        error: 'Payload too large',
        code: 'EntityTooLarge',
      });
      const info = await request.get('/object/info/docs/big.bin').set('authorization', service);
      expect(info.body.code).toBe('NoSuchKey');
      expect(await storedBlobs()).toEqual([]);
    });

    it('refuses invalid keys', async () => {
      const { request, service } = await withBucket(backend);
      for (const path of ['/object/docs/a//b', '/object/docs/a/%2E%2E/b', '/object/docs/a%01b']) {
        const res = await request.post(path).set('authorization', service).send('x');
        expect(res.body).toMatchObject({ statusCode: '400', error: 'Invalid Input', code: 'InvalidKey' });
      }
    });

    it('refuses an upload into a missing bucket', async () => {
      const { request, service } = await withBucket(backend);
      const res = await request.post('/object/nope/a.txt').set('authorization', service).send('x');
      expect(res.body).toMatchObject({ statusCode: '404', code: 'NoSuchBucket' });
    });

    it('round-trips Unicode keys and keys with + & % ? # and spaces', async () => {
      const { request, service } = await withBucket(backend);
      for (const key of ['über/灯泡.jpeg', 'a b+c&d%e?f#g.txt', "it's (1) = @home!.txt"]) {
        const path = `/object/docs/${key.split('/').map(encodeURIComponent).join('/')}`;
        const up = await request.post(path).set('authorization', service).type('text/plain').send(key);
        expect(up.body).toEqual({ Key: `docs/${key}`, Id: expect.any(String) });
        const down = await request.get(path).set('authorization', service);
        expect(down.text).toBe(key);
      }
    });

    it('refuses x-metadata that is not base64 of a JSON object', async () => {
      const { request, service } = await withBucket(backend);
      const res = await request
        .post('/object/docs/a.txt')
        .set('authorization', service)
        .set('x-metadata', Buffer.from('[1,2]').toString('base64'))
        .type('text/plain')
        .send('a');
      expect(res.body).toMatchObject({ statusCode: '400', code: 'InvalidRequest' });
    });

    it('refuses a multipart form without a file part', async () => {
      const { request, service } = await withBucket(backend);
      const res = await request
        .post('/object/docs/a.txt')
        .set('authorization', service)
        .field('cacheControl', '60');
      expect(res.body).toMatchObject({
        statusCode: '400',
        code: 'InvalidRequest',
        message: 'The form has no file',
      });
    });

    it('creates with PUT when the object is absent', async () => {
      const { request, service } = await withBucket(backend);
      const res = await request
        .put('/object/docs/new.txt')
        .set('authorization', service)
        .type('text/plain')
        .send('new');
      expect(res.body).toEqual({ Key: 'docs/new.txt', Id: expect.any(String) });
    });
  });
});
