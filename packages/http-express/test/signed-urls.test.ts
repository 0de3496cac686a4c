import { SignJWT } from 'jose';
import { type BlobBackend, blobBackends, JWT_SECRET, storageAppFixture } from './support/storage-app-fixture';

async function withObject(backend: BlobBackend, key = 'dir/hello world?.txt') {
  const fixture = await storageAppFixture(backend);
  const { request, service } = fixture;
  await request.post('/bucket').set('authorization', service).send({ name: 'docs' });
  await request
    .post(`/object/docs/${key.split('/').map(encodeURIComponent).join('/')}`)
    .set('authorization', service)
    .type('text/plain')
    .send('signed bytes');
  return fixture;
}

const urlToken = (claims: Record<string, unknown>, exp: number) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime(exp)
    .sign(new TextEncoder().encode(JWT_SECRET));

describe.each(blobBackends)('signed URLs on the %s blob store', (backend) => {
  describe('signed download URLs', () => {
    it('signs a URL that downloads without a token, with the key encoded per segment', async () => {
      const { request, service } = await withObject(backend);
      const signed = await request
        .post('/object/sign/docs/dir/hello%20world%3F.txt')
        .set('authorization', service)
        .send({ expiresIn: 60 });
      expect(signed.body.signedURL).toMatch(
        /^\/object\/sign\/docs\/dir\/hello%20world%3F\.txt\?token=[\w-]+\.[\w-]+\.[\w-]+$/,
      );
      const res = await request.get(signed.body.signedURL);
      expect(res.status).toBe(200);
      expect(res.text).toBe('signed bytes');
    });

    it('accepts the URL encoded a second time, as storage-js sends it', async () => {
      const { request, service } = await withObject(backend);
      const signed = await request
        .post('/object/sign/docs/dir/hello%20world%3F.txt')
        .set('authorization', service)
        .send({ expiresIn: 60 });
      const res = await request.get(encodeURI(signed.body.signedURL));
      expect(res.text).toBe('signed bytes');
    });

    it('refuses a token used on another path', async () => {
      const { request, service } = await withObject(backend, 'a.txt');
      await request.post('/object/docs/b.txt').set('authorization', service).send('b');
      const signed = await request
        .post('/object/sign/docs/a.txt')
        .set('authorization', service)
        .send({ expiresIn: 60 });
      const token = new URL(signed.body.signedURL, 'http://x').searchParams.get('token');
      const res = await request.get(`/object/sign/docs/b.txt?token=${token}`);
      expect(res.body).toMatchObject({
        statusCode: '400',
        error: 'InvalidSignature',
        code: 'InvalidSignature',
      });
    });

    it('refuses an expired token', async () => {
      const { request } = await withObject(backend, 'a.txt');
      const token = await urlToken(
        { url: 'docs/a.txt', scope: 'download' },
        Math.floor(Date.now() / 1000) - 10,
      );
      const res = await request.get(`/object/sign/docs/a.txt?token=${token}`);
      expect(res.body).toMatchObject({ statusCode: '400', error: 'ExpiredToken', code: 'ExpiredToken' });
    });

    it('refuses an upload token for a download', async () => {
      const { request } = await withObject(backend, 'a.txt');
      const token = await urlToken(
        { url: 'docs/a.txt', scope: 'upload' },
        Math.floor(Date.now() / 1000) + 60,
      );
      const res = await request.get(`/object/sign/docs/a.txt?token=${token}`);
      expect(res.body).toMatchObject({ code: 'InvalidSignature' });
    });

    it('refuses to sign a missing object', async () => {
      const { request, service } = await withObject(backend, 'a.txt');
      const res = await request
        .post('/object/sign/docs/nope.txt')
        .set('authorization', service)
        .send({ expiresIn: 60 });
      expect(res.body).toMatchObject({ statusCode: '404', code: 'NoSuchKey' });
    });

    it('accepts transform values as strings and points at the render route', async () => {
      const { request, service } = await withObject(backend, 'a.txt');
      const res = await request
        .post('/object/sign/docs/a.txt')
        .set('authorization', service)
        .send({ expiresIn: 60, transform: { width: '100', height: 50 } });
      expect(res.body.signedURL).toMatch(/^\/render\/image\/sign\/docs\/a\.txt\?token=/);
    });

    it('signs many paths, reporting the unreadable ones', async () => {
      const { request, service } = await withObject(backend, 'a.txt');
      const res = await request
        .post('/object/sign/docs')
        .set('authorization', service)
        .send({ expiresIn: 60, paths: ['a.txt', 'missing.txt'] });
      expect(res.body).toEqual([
        {
          path: 'a.txt',
          signedURL: expect.stringMatching(/^\/object\/sign\/docs\/a\.txt\?token=/),
          error: null,
        },
        {
          path: 'missing.txt',
          signedURL: null,
          error: 'Either the object does not exist or you do not have access to it',
        },
      ]);
    });
  });

  describe('signed upload URLs', () => {
    it('uploads once with the token and no auth header, multipart like the Dart client', async () => {
      const { request, service } = await withObject(backend, 'a.txt');
      const signed = await request
        .post('/object/upload/sign/docs/up%20load.txt')
        .set('authorization', service);
      expect(signed.body).toEqual({
        url: expect.stringMatching(/^\/object\/upload\/sign\/docs\/up%20load\.txt\?token=/),
        token: expect.any(String),
      });
      const put = await request
        .put(signed.body.url)
        .field('cacheControl', '3600')
        .attach('', Buffer.from('uploaded'), { filename: 'up load.txt', contentType: 'text/plain' });
      expect(put.body).toMatchObject({ Key: 'docs/up load.txt' });
      const got = await request.get('/object/docs/up%20load.txt').set('authorization', service);
      expect(got.text).toBe('uploaded');
      const again = await request.put(signed.body.url).type('text/plain').send('twice');
      expect(again.body).toMatchObject({ statusCode: '409', code: 'KeyAlreadyExists' });
    });

    it('keeps the form fields that follow the file part', async () => {
      const { request, service } = await withObject(backend, 'a.txt');
      const signed = await request.post('/object/upload/sign/docs/late.txt').set('authorization', service);
      const put = await request
        .put(signed.body.url)
        // Large enough that the fields arrive while the blob store is still reading the file.
        .attach('', Buffer.alloc(1_000_000, 'x'), { filename: 'late.txt', contentType: 'text/plain' })
        .field('cacheControl', '90')
        .field('metadata', '{"order":"after"}');
      expect(put.body).toMatchObject({ Key: 'docs/late.txt' });
      const info = await request.get('/object/info/docs/late.txt').set('authorization', service);
      expect(info.body).toMatchObject({
        size: 1_000_000,
        cache_control: 'max-age=90',
        metadata: { order: 'after' },
      });
    });

    it('refuses a signed upload to another path', async () => {
      const { request, service } = await withObject(backend, 'a.txt');
      const signed = await request.post('/object/upload/sign/docs/one.txt').set('authorization', service);
      const res = await request.put(`/object/upload/sign/docs/two.txt?token=${signed.body.token}`).send('x');
      expect(res.body).toMatchObject({ code: 'InvalidSignature' });
    });
  });
});
