import { dartForm, dartPath } from './support/dart-requests';
import { type BlobBackend, blobBackends, storageAppFixture } from './support/storage-app-fixture';

const JSON_UTF8 = 'application/json; charset=utf-8';

async function withDartObject(backend: BlobBackend) {
  const fixture = await storageAppFixture(backend);
  const { request, service } = fixture;
  await request
    .post('/bucket')
    .set('authorization', service)
    .send({ name: 'pics', public: false, file_size_limit: '1MB' });
  await request
    .post(`/object/pics/${dartPath('über/灯泡.jpeg')}`)
    .set('authorization', service)
    .set('content-type', 'multipart/form-data; boundary=dart-boundary')
    .send(dartForm('dart-boundary', Buffer.from('jpeg bytes'), 'image/jpeg'));
  return fixture;
}

describe.each(blobBackends)('the Dart client on the %s blob store', (backend) => {
  describe('the Dart client on the wire', () => {
    let fixture: Awaited<ReturnType<typeof withDartObject>>;

    beforeAll(async () => {
      fixture = await withDartObject(backend);
    });

    it('gets the bucket with an integer file_size_limit and a boolean public', async () => {
      const { request, service } = fixture;
      const res = await request.get('/bucket/pics').set('authorization', service);
      expect(res.headers['content-type']).toBe(JSON_UTF8);
      expect(Number.isInteger(res.body.file_size_limit)).toBe(true);
      expect(res.body.file_size_limit).toBeGreaterThan(0);
      expect(res.body.public).toBe(false);
    });

    it('reads object info with string ids and dates and an integer size', async () => {
      const { request, service } = fixture;
      const res = await request
        .get(`/object/info/pics/${dartPath('über/灯泡.jpeg')}?`)
        .set('authorization', service);
      expect(res.headers['content-type']).toBe(JSON_UTF8);
      expect(res.body).toMatchObject({
        id: expect.any(String),
        version: expect.any(String),
        name: 'über/灯泡.jpeg',
        bucket_id: 'pics',
        created_at: expect.any(String),
        size: 10,
        content_type: 'image/jpeg',
        cache_control: 'max-age=3600',
        metadata: { from: 'dart' },
      });
    });

    it('stores a file part whose filename is the full local path', async () => {
      const { request, service } = fixture;
      const form = dartForm('b', Buffer.from('local'), 'text/plain')
        .toString()
        .replace('filename=""', 'filename="/home/me/Pictures/a b.txt"');
      const res = await request
        .post('/object/pics/local.txt')
        .set('authorization', service)
        .set('content-type', 'multipart/form-data; boundary=b')
        .send(Buffer.from(form));
      expect(res.body).toEqual({ Key: 'pics/local.txt', Id: expect.any(String) });
      expect((await request.get('/object/pics/local.txt?').set('authorization', service)).text).toBe('local');
    });

    it('lists with "search": null', async () => {
      const { request, service } = fixture;
      const res = await request
        .post('/object/list/pics')
        .set('authorization', service)
        .send({
          prefix: 'über',
          limit: 100,
          offset: 0,
          sortBy: { column: 'name', order: 'asc' },
          search: null,
        });
      expect(res.headers['content-type']).toBe(JSON_UTF8);
      expect(res.body).toEqual([expect.objectContaining({ name: '灯泡.jpeg', id: expect.any(String) })]);
      expect(Number.isInteger(res.body[0].metadata.size)).toBe(true);
    });

    it('signs with transform values sent as strings', async () => {
      const { request, service } = fixture;
      const res = await request
        .post(`/object/sign/pics/${dartPath('über/灯泡.jpeg')}`)
        .set('authorization', service)
        .send({ expiresIn: 60, transform: { width: '100', height: '100', resize: 'cover', quality: null } });
      expect(res.status).toBe(200);
      expect(res.body.signedURL).toMatch(
        /^\/render\/image\/sign\/pics\/%C3%BCber\/%E7%81%AF%E6%B3%A1\.jpeg\?token=/,
      );
    });

    it('answers HEAD on a missing object with 400 or 404', async () => {
      const { request, service } = fixture;
      for (const path of ['missing.jpeg', dartPath('über/missing 灯.jpeg')]) {
        const res = await request
          .head(`/object/pics/${path}`)
          .set('authorization', service)
          .set('content-type', 'application/json');
        expect([400, 404]).toContain(res.status);
      }
      const found = await request
        .head(`/object/pics/${dartPath('über/灯泡.jpeg')}`)
        .set('authorization', service)
        .set('content-type', 'application/json');
      expect(found.status).toBe(200);
    });

    it('gets errors as JSON objects with string message and error, labelled UTF-8', async () => {
      const { request, service } = fixture;
      const res = await request
        .get(`/object/info/pics/${dartPath('nöne.txt')}`)
        .set('authorization', service);
      expect(res.headers['content-type']).toBe(JSON_UTF8);
      expect(res.body).toEqual({
        statusCode: expect.any(String),
        error: expect.any(String),
        code: 'NoSuchKey',
        message: expect.any(String),
      });
    });

    it('uploads to a signed upload URL with no auth header, reading the token from url', async () => {
      const { request, service } = fixture;
      const signed = await request
        .post(`/object/upload/sign/pics/${dartPath('dart/up?load.txt')}`)
        .set('authorization', service);
      const url = new URL(signed.body.url, 'http://storage.test/storage/v1/');
      expect(url.searchParams.get('token')).toEqual(expect.any(String));
      const res = await request
        .put(`${signed.body.url}`)
        .set('content-type', 'multipart/form-data; boundary=dart-boundary')
        .send(dartForm('dart-boundary', Buffer.from('signed'), 'text/plain'));
      expect(res.headers['content-type']).toBe(JSON_UTF8);
      expect(res.body).toEqual({ Key: 'pics/dart/up?load.txt', Id: expect.any(String) });
    });
  });
});
