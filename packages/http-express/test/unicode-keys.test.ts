import type { Response } from 'supertest';
import { dartForm, dartPath } from './support/dart-requests';
import { matrixKeys, nearLimit, nfc, nfd } from './support/key-matrix';
import { blobBackends, type StorageAppFixture, storageAppFixture } from './support/storage-app-fixture';

const lastSegment = (key: string) => key.slice(key.lastIndexOf('/') + 1);
const folderOf = (key: string) => (key.includes('/') ? key.slice(0, key.lastIndexOf('/')) : '');
const bytesOf = (key: string) => Buffer.from(`bytes of ${key}`);

/** Reads any response body as a Buffer, whatever its content type. */
const binary = (res: Response, done: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  const stream = res as unknown as NodeJS.ReadableStream;
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
};

describe.each(blobBackends)('Unicode keys on the %s blob store', (backend) => {
  describe.each(matrixKeys)('the key %s', (key) => {
    const path = dartPath(key);
    let fixture: StorageAppFixture;

    beforeAll(async () => {
      expect(Buffer.byteLength(key)).toBeLessThanOrEqual(1024);
      fixture = await storageAppFixture(backend);
      const { request, service } = fixture;
      await request.post('/bucket').set('authorization', service).send({ name: 'pics', public: true });
      const res = await request
        .post(`/object/pics/${path}`)
        .set('authorization', service)
        .type('application/octet-stream')
        .send(bytesOf(key));
      expect(res.body).toEqual({ Key: `pics/${key}`, Id: expect.any(String) });
    });

    const get = (url: string) =>
      fixture.request.get(url).set('authorization', fixture.service).buffer(true).parse(binary);

    it('uploads as a Dart multipart form and downloads the same bytes', async () => {
      const { request, service } = fixture;
      const res = await request
        .post(`/object/pics/${path}`)
        .set('authorization', service)
        .set('x-upsert', 'true')
        .set('content-type', 'multipart/form-data; boundary=dart-boundary')
        .send(dartForm('dart-boundary', bytesOf(`form ${key}`), 'image/jpeg'));
      expect(res.body).toEqual({ Key: `pics/${key}`, Id: expect.any(String) });
      expect((await get(`/object/pics/${path}`)).body).toEqual(bytesOf(`form ${key}`));
      await request
        .post(`/object/pics/${path}`)
        .set('authorization', service)
        .set('x-upsert', 'true')
        .type('application/octet-stream')
        .send(bytesOf(key));
    });

    it('replaces it with a Dart update (PUT of a form) and finds it with a Dart exists (HEAD)', async () => {
      const { request, service } = fixture;
      const res = await request
        .put(`/object/pics/${path}`)
        .set('authorization', service)
        .set('content-type', 'multipart/form-data; boundary=dart-boundary')
        .send(dartForm('dart-boundary', bytesOf(`update ${key}`), 'text/plain'));
      expect(res.body).toEqual({ Key: `pics/${key}`, Id: expect.any(String) });
      expect((await get(`/object/pics/${path}?`)).body).toEqual(bytesOf(`update ${key}`));
      const exists = await request
        .head(`/object/pics/${path}`)
        .set('authorization', service)
        .set('content-type', 'application/json');
      expect(exists.status).toBe(200);
      await request
        .put(`/object/pics/${path}`)
        .set('authorization', service)
        .type('application/octet-stream')
        .send(bytesOf(key));
    });

    it('downloads through every download route, and with a bare ?', async () => {
      for (const url of [
        `/object/pics/${path}`,
        `/object/pics/${path}?`,
        `/object/pics/${path}?cacheNonce=1700000000&versionId=v1`,
        // storage-js encodes the path with encodeURI, which is only correct for keys without ? and #.
        ...(/[?#]/.test(key) ? [] : [`/object/pics/${encodeURI(key)}`]),
        `/object/authenticated/pics/${path}`,
        `/object/public/pics/${path}`,
      ]) {
        const res = await get(url);
        expect({ url, status: res.status }).toEqual({ url, status: 200 });
        expect(res.body).toEqual(bytesOf(key));
      }
    });

    it('answers info and HEAD with the key as stored', async () => {
      const { request, service } = fixture;
      const info = await request.get(`/object/info/pics/${path}`).set('authorization', service);
      expect(info.body).toMatchObject({ name: key, bucket_id: 'pics', size: bytesOf(key).length });
      const head = await request.head(`/object/pics/${path}`).set('authorization', service);
      expect(head.status).toBe(200);
      expect(Number(head.headers['content-length'])).toBe(bytesOf(key).length);
    });

    it('lists the key in list v1 and v2', async () => {
      const { request, service } = fixture;
      const v1 = await request
        .post('/object/list/pics')
        .set('authorization', service)
        .send({ prefix: folderOf(key), search: null, limit: 100, offset: 0 });
      expect(v1.body.map((entry: { name: string }) => entry.name)).toContain(lastSegment(key));
      const v2 = await request.post('/object/list-v2/pics').set('authorization', service).send({});
      expect(v2.body.objects.map((entry: { key: string }) => entry.key)).toContain(key);
    });

    it('signs a URL that works as given and encoded once more', async () => {
      const { request, service } = fixture;
      const signed = await request
        .post(`/object/sign/pics/${path}`)
        .set('authorization', service)
        .send({ expiresIn: 60 });
      expect(signed.status).toBe(200);
      const urls = [signed.body.signedURL, encodeURI(signed.body.signedURL)];
      for (const url of urls) {
        const res = await request.get(url).buffer(true).parse(binary);
        expect({ url, status: res.status }).toEqual({ url, status: 200 });
        expect(res.body).toEqual(bytesOf(key));
      }
      const named = await request.get(`${urls[1]}&download=${encodeURIComponent(lastSegment(key))}`);
      const encodedName = /filename\*=UTF-8''(.*)$/.exec(named.headers['content-disposition'] ?? '')?.[1];
      expect(decodeURIComponent(encodedName ?? '')).toBe(lastSegment(key));
      const many = await request
        .post('/object/sign/pics')
        .set('authorization', service)
        .send({ expiresIn: 60, paths: [key] });
      expect(many.body).toEqual([expect.objectContaining({ path: key, error: null })]);
      expect((await request.get(many.body[0].signedURL).buffer(true).parse(binary)).body).toEqual(
        bytesOf(key),
      );
    });

    it('uploads to a signed upload URL requested as given', async () => {
      const { request, service } = fixture;
      const signed = await request
        .post(`/object/upload/sign/pics/${path}`)
        .set('authorization', service)
        .set('x-upsert', 'true');
      // Dart's Uri.parse keeps the path and query exactly as written.
      const url = new URL(signed.body.url, 'http://storage.test');
      expect(url.searchParams.get('token')).toBe(signed.body.token);
      const res = await request
        .put(`${url.pathname}${url.search}`)
        .set('content-type', 'multipart/form-data; boundary=dart-boundary')
        .send(dartForm('dart-boundary', bytesOf(`signed ${key}`), 'text/plain'));
      expect(res.body).toEqual({ Key: `pics/${key}`, Id: expect.any(String) });
      expect((await get(`/object/pics/${path}`)).body).toEqual(bytesOf(`signed ${key}`));
      const viaStorageJs = await request
        .put(encodeURI(signed.body.url))
        .type('application/octet-stream')
        .send(bytesOf(key));
      expect(viaStorageJs.body).toEqual({ Key: `pics/${key}`, Id: expect.any(String) });
      expect((await get(`/object/pics/${path}`)).body).toEqual(bytesOf(key));
    });

    it('copies, moves and deletes the key', async () => {
      const { request, service } = fixture;
      // Same length as the key, so the 1024-byte key's copies stay valid.
      const copyKey = `C${key.slice(1)}`;
      const movedKey = `M${key.slice(1)}`;
      const copied = await request
        .post('/object/copy')
        .set('authorization', service)
        .send({ bucketId: 'pics', sourceKey: key, destinationKey: copyKey });
      expect(copied.body).toMatchObject({ Key: `pics/${copyKey}` });
      const moved = await request
        .post('/object/move')
        .set('authorization', service)
        .send({ bucketId: 'pics', sourceKey: copyKey, destinationKey: movedKey });
      expect(moved.body).toEqual({ message: 'Successfully moved' });
      const movedPath = dartPath(movedKey);
      expect((await get(`/object/pics/${movedPath}`)).body).toEqual(bytesOf(key));
      expect((await get(`/object/pics/${dartPath(copyKey)}`)).status).toBe(400);
      const deleted = await request.delete(`/object/pics/${movedPath}`).set('authorization', service);
      expect(deleted.body).toEqual({ message: 'Successfully deleted' });
      const removed = await request
        .delete('/object/pics')
        .set('authorization', service)
        .send({ prefixes: [key] });
      expect(removed.body).toEqual([expect.objectContaining({ name: key })]);
      expect((await get(`/object/pics/${path}`)).status).toBe(400);
    });
  });

  it('keeps the NFC and NFD forms of a name as two keys', async () => {
    const { request, service } = await storageAppFixture(backend);
    await request.post('/bucket').set('authorization', service).send({ name: 'pics' });
    for (const key of [nfc, nfd]) {
      const res = await request
        .post(`/object/pics/${dartPath(key)}`)
        .set('authorization', service)
        .set('content-type', 'multipart/form-data; boundary=b')
        .send(
          dartForm('b', Buffer.from(key.normalize('NFC') === key ? 'composed' : 'decomposed'), 'text/plain'),
        );
      expect(res.body).toEqual({ Key: `pics/${key}`, Id: expect.any(String) });
    }
    expect((await request.get(`/object/pics/${dartPath(nfc)}?`).set('authorization', service)).text).toBe(
      'composed',
    );
    expect((await request.get(`/object/pics/${dartPath(nfd)}?`).set('authorization', service)).text).toBe(
      'decomposed',
    );
    const listed = await request.post('/object/list-v2/pics').set('authorization', service).send({});
    expect(listed.body.objects.map((object: { name: string }) => object.name).sort()).toEqual(
      [nfc, nfd].sort(),
    );
  });

  describe('refused keys', () => {
    let fixture: StorageAppFixture;

    beforeAll(async () => {
      fixture = await storageAppFixture(backend);
      await fixture.request.post('/bucket').set('authorization', fixture.service).send({ name: 'pics' });
    });

    it.each([
      ['one byte over 1024', dartPath(nearLimit(122))],
      ['a control character', 'a%01b.txt'],
      ['DEL', 'a%7Fb.txt'],
      ['an empty segment', 'a//b.txt'],
      ['an encoded empty segment', 'a/%2F/b.txt'],
      ['a leading slash', '%2Fa.txt'],
      ['a .. segment', 'a/%2E%2E/b.txt'],
      ['a . segment', 'a/%2E/b.txt'],
    ])('answers InvalidKey in the envelope on every route for %s, storing nothing', async (_name, path) => {
      const { request, service, storedBlobs } = fixture;
      const auth = (test: ReturnType<typeof request.get>) => test.set('authorization', service);
      const answers = {
        upload: await auth(request.post(`/object/pics/${path}`))
          .type('text/plain')
          .send('x'),
        update: await auth(request.put(`/object/pics/${path}`))
          .type('text/plain')
          .send('x'),
        dartUpload: await auth(request.post(`/object/pics/${path}`))
          .set('content-type', 'multipart/form-data; boundary=b')
          .send(dartForm('b', Buffer.from('x'), 'text/plain')),
        download: await auth(request.get(`/object/pics/${path}?`)),
        authenticated: await auth(request.get(`/object/authenticated/pics/${path}`)),
        public: await request.get(`/object/public/pics/${path}`),
        info: await auth(request.get(`/object/info/pics/${path}`)),
        sign: await auth(request.post(`/object/sign/pics/${path}`)).send({ expiresIn: 60 }),
        signUpload: await auth(request.post(`/object/upload/sign/pics/${path}`)),
        delete: await auth(request.delete(`/object/pics/${path}`)),
      };
      for (const [route, res] of Object.entries(answers)) {
        expect({ route, status: res.status, body: res.body }).toEqual({
          route,
          status: 400,
          body: {
            statusCode: '400',
            error: 'Invalid Input',
            code: 'InvalidKey',
            message: expect.any(String),
          },
        });
      }
      const head = await auth(request.head(`/object/pics/${path}`)).set('content-type', 'application/json');
      expect(head.status).toBe(400);
      expect(await storedBlobs()).toEqual([]);
    });

    it('answers InvalidKey for a copy or move onto a refused key', async () => {
      const { request, service } = fixture;
      await request.post('/object/pics/ok.txt').set('authorization', service).type('text/plain').send('x');
      for (const route of ['/object/copy', '/object/move']) {
        for (const destinationKey of ['a//b', '/a', 'a/../b', 'a\u0000b', 'x'.repeat(1025)]) {
          const res = await request
            .post(route)
            .set('authorization', service)
            .send({ bucketId: 'pics', sourceKey: 'ok.txt', destinationKey });
          expect({ route, destinationKey, body: res.body }).toMatchObject({
            route,
            destinationKey,
            body: { statusCode: '400', code: 'InvalidKey' },
          });
        }
      }
    });
  });
});
