import { Readable } from 'node:stream';
import { objectBlobKey, systemScope } from '@stowage/core';
import { type BlobBackend, blobBackends, storageAppFixture } from './support/storage-app-fixture';

async function withObject(backend: BlobBackend, isPublic = false) {
  const fixture = await storageAppFixture(backend);
  const { request, service } = fixture;
  await request.post('/bucket').set('authorization', service).send({ name: 'docs', public: isPublic });
  await request
    .post('/object/docs/dir/hello.txt')
    .set('authorization', service)
    .set('content-type', 'text/plain')
    .set('cache-control', 'max-age=60')
    .send('hello world');
  return fixture;
}

describe.each(blobBackends)('downloads on the %s blob store', (backend) => {
  describe('download', () => {
    it('streams an object with its headers', async () => {
      const { request, service } = await withObject(backend);
      const res = await request.get('/object/docs/dir/hello.txt').set('authorization', service);
      expect(res.status).toBe(200);
      expect(res.text).toBe('hello world');
      expect(res.headers).toMatchObject({
        'content-type': 'text/plain',
        'content-length': '11',
        etag: '"5eb63bbbe01eeed093cb22bb8f5acdc3"',
        'cache-control': 'max-age=60',
        'accept-ranges': 'bytes',
      });
      expect(new Date(res.headers['last-modified'] as string).getTime()).not.toBeNaN();
    });

    it('serves the same through /object/authenticated, ignoring unknown query parameters and a bare ?', async () => {
      const { request, service } = await withObject(backend);
      for (const path of [
        '/object/authenticated/docs/dir/hello.txt',
        '/object/docs/dir/hello.txt?cacheNonce=1&versionId=x',
        '/object/docs/dir/hello.txt?',
      ]) {
        const res = await request.get(path).set('authorization', service);
        expect(res.text).toBe('hello world');
      }
    });

    it('answers HEAD with the headers and no body', async () => {
      const { request, service } = await withObject(backend);
      const res = await request.head('/object/docs/dir/hello.txt').set('authorization', service);
      expect(res.status).toBe(200);
      expect(res.headers['content-length']).toBe('11');
      expect(res.text).toBeUndefined();
    });

    it('answers a HEAD of a missing object with 400', async () => {
      const { request, service } = await withObject(backend);
      const res = await request.head('/object/docs/missing.txt').set('authorization', service);
      expect(res.status).toBe(400);
    });

    it('answers NoSuchKey for a missing object', async () => {
      const { request, service } = await withObject(backend);
      const res = await request.get('/object/docs/missing.txt').set('authorization', service);
      expect(res.body).toMatchObject({ statusCode: '404', error: 'not_found', code: 'NoSuchKey' });
    });

    it.each([
      ['bytes=0-4', 'hello', 'bytes 0-4/11'],
      ['bytes=6-', 'world', 'bytes 6-10/11'],
      ['bytes=-5', 'world', 'bytes 6-10/11'],
    ])('serves Range %s with 206', async (range, body, contentRange) => {
      const { request, service } = await withObject(backend);
      const res = await request
        .get('/object/docs/dir/hello.txt')
        .set('authorization', service)
        .set('range', range);
      expect(res.status).toBe(206);
      expect(res.text).toBe(body);
      expect(res.headers['content-range']).toBe(contentRange);
      expect(res.headers['content-length']).toBe(String(body.length));
    });

    it.each([
      ['shorter', 'hello'],
      ['longer', 'hello world, and more'],
    ])(
      'answers 500 InternalError, not a wrong body, when the blob is %s than its object records',
      async (_, blob) => {
        const fixture = await withObject(backend);
        const { request, service, context } = fixture;
        const object = await context.metadata.transaction(systemScope('test'), (tx) =>
          tx.findObject('docs', 'dir/hello.txt'),
        );
        if (!object) throw new Error('the object was not stored');
        await context.blobs.put(objectBlobKey(context, object), Readable.from([Buffer.from(blob)]));
        const res = await request.get('/object/docs/dir/hello.txt').set('authorization', service);
        expect(res.status).toBe(500);
        expect(res.body).toMatchObject({ statusCode: '500', code: 'InternalError' });
        expect(res.headers.etag).toBeUndefined();
      },
    );

    it('answers an unsatisfiable range with 416', async () => {
      const { request, service } = await withObject(backend);
      const res = await request
        .get('/object/docs/dir/hello.txt')
        .set('authorization', service)
        .set('range', 'bytes=50-60');
      expect(res.status).toBe(416);
      expect(res.headers['content-range']).toBe('bytes */11');
      expect(res.body).toMatchObject({ statusCode: '416', code: 'InvalidRange' });
    });

    it('answers 304 to a matching If-None-Match and a current If-Modified-Since', async () => {
      const { request, service } = await withObject(backend);
      const first = await request.get('/object/docs/dir/hello.txt').set('authorization', service);
      const byEtag = await request
        .get('/object/docs/dir/hello.txt')
        .set('authorization', service)
        .set('if-none-match', first.headers.etag as string);
      expect(byEtag.status).toBe(304);
      expect(byEtag.text).toBe('');
      const byDate = await request
        .get('/object/docs/dir/hello.txt')
        .set('authorization', service)
        .set('if-modified-since', first.headers['last-modified'] as string);
      expect(byDate.status).toBe(304);
      const stale = await request
        .get('/object/docs/dir/hello.txt')
        .set('authorization', service)
        .set('if-none-match', '"other"');
      expect(stale.status).toBe(200);
    });

    it('adds content-disposition for ?download and ?download=name', async () => {
      const { request, service } = await withObject(backend);
      const bare = await request.get('/object/docs/dir/hello.txt?download').set('authorization', service);
      expect(bare.headers['content-disposition']).toBe('attachment');
      const named = await request
        .get(`/object/docs/dir/hello.txt?download=${encodeURIComponent('grüße.txt')}`)
        .set('authorization', service);
      expect(named.headers['content-disposition']).toBe(
        `attachment; filename="gr__e.txt"; filename*=UTF-8''gr%C3%BC%C3%9Fe.txt`,
      );
    });

    it('serves public buckets without a token and hides private ones', async () => {
      const open = await withObject(backend, true);
      const res = await open.request.get('/object/public/docs/dir/hello.txt');
      expect(res.text).toBe('hello world');
      const closed = await withObject(backend, false);
      const hidden = await closed.request.get('/object/public/docs/dir/hello.txt');
      expect(hidden.body).toMatchObject({ statusCode: '404', code: 'NoSuchBucket' });
    });

    it('describes an object through the info routes', async () => {
      const { request, service } = await withObject(backend, true);
      const info = await request
        .get('/object/info/authenticated/docs/dir/hello.txt')
        .set('authorization', service);
      expect(info.body).toEqual({
        id: expect.any(String),
        name: 'dir/hello.txt',
        version: expect.any(String),
        bucket_id: 'docs',
        size: 11,
        content_type: 'text/plain',
        cache_control: 'max-age=60',
        etag: '"5eb63bbbe01eeed093cb22bb8f5acdc3"',
        metadata: null,
        last_modified: expect.any(String),
        created_at: expect.any(String),
      });
      const publicInfo = await request.get('/object/info/public/docs/dir/hello.txt');
      expect(publicInfo.body.name).toBe('dir/hello.txt');
    });
  });
});
