import { systemScope } from '@stowage/core';
import { sql } from 'kysely';
import sharp from 'sharp';
import type { Response, Test } from 'supertest';
import { jwtFor } from './support/caller-tokens';
import { dimensionsOf, renderAppFixture, testImage } from './support/render-app-fixture';

type Fixture = Awaited<ReturnType<typeof renderAppFixture>>;

const alice = '11111111-1111-4111-8111-111111111111';
const bob = '22222222-2222-4222-8222-222222222222';

/** Collects the body as bytes whatever its type. */
const binary = (test: Test) =>
  test.buffer(true).parse((res, callback) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.on('end', () => callback(null, Buffer.concat(chunks)));
  });

const body = (response: Response): Buffer => response.body as Buffer;

describe('image transformation', () => {
  let fixture: Fixture;
  let aliceAuth: string;
  let bobAuth: string;

  const upload = (bucket: string, key: string, bytes: Buffer, contentType = 'image/jpeg', extra = {}) =>
    fixture.request
      .post(`/object/${bucket}/${key}`)
      .set({ authorization: fixture.service, 'content-type': contentType, 'x-upsert': 'true', ...extra })
      .send(bytes)
      .expect(200);
  const render = (path: string, auth?: string) => {
    const test = fixture.request.get(`/render/image/${path}`);
    return binary(auth ? test.set('authorization', auth) : test);
  };

  beforeAll(async () => {
    fixture = await renderAppFixture({ maxSize: 500, maxSourceBytes: 400_000, maxPixels: 1_000_000 });
    aliceAuth = `Bearer ${await jwtFor({ role: 'authenticated', sub: alice })}`;
    bobAuth = `Bearer ${await jwtFor({ role: 'authenticated', sub: bob })}`;
    for (const [name, isPublic] of [
      ['photos', false],
      ['open', true],
    ] as const) {
      await fixture.request
        .post('/bucket')
        .set('authorization', fixture.service)
        .send({ name, public: isPublic })
        .expect(200);
    }
    await sql`create policy "own folder" on storage.objects for select to authenticated
      using (bucket_id = 'photos' and (storage.foldername(name))[1] = auth.uid()::text)`.execute(fixture.db);
    const photo = await testImage(400, 300);
    await upload('photos', `${alice}/photo.jpg`, photo, 'image/jpeg', { 'cache-control': 'max-age=600' });
    await upload('open', 'photo.jpg', photo);
    await upload('open', 'picture.png', await testImage(40, 20, 'png'), 'image/png');
    await upload('open', 'notes.txt', Buffer.from('not an image'), 'text/plain');
  }, 180_000);
  afterAll(() => fixture.cleanup());

  describe('resizing', () => {
    it.each([
      ['cover fills the box and crops', 'width=100&height=100&resize=cover', 100, 100],
      ['cover is the default', 'width=120&height=60', 120, 60],
      ['contain fits inside keeping the ratio', 'width=100&height=100&resize=contain', 100, 75],
      ['fill stretches', 'width=50&height=200&resize=fill', 50, 200],
      ['one side keeps the ratio', 'width=200', 200, 150],
      ['the other side too', 'height=60', 80, 60],
    ])('%s', async (_, query, width, height) => {
      const response = await render(`public/open/photo.jpg?${query}`).expect(200);
      expect(response.headers['content-type']).toBe('image/jpeg');
      expect(await dimensionsOf(body(response))).toEqual({ width, height, format: 'jpeg' });
      expect(Number(response.headers['content-length'])).toBe(body(response).length);
    });

    it('clamps dimensions to the configured limits', async () => {
      const large = await render('public/open/photo.jpg?width=9000&height=9000&resize=fill').expect(200);
      expect(await dimensionsOf(body(large))).toMatchObject({ width: 500, height: 500 });
      const small = await render('public/open/photo.jpg?width=0&height=-4&resize=fill').expect(200);
      expect(await dimensionsOf(body(small))).toMatchObject({ width: 1, height: 1 });
    });

    it('writes smaller files at lower quality', async () => {
      const low = await render('public/open/photo.jpg?width=300&quality=20').expect(200);
      const high = await render('public/open/photo.jpg?width=300&quality=100').expect(200);
      expect(body(low).length * 2).toBeLessThan(body(high).length);
    });
  });

  describe('format', () => {
    it.each([
      ['AVIF first when accepted', 'image/avif,image/webp,*/*', '', 'image/avif', 'heif'],
      ['WebP when accepted', 'image/webp,*/*', '', 'image/webp', 'webp'],
      ['the source format otherwise', '*/*', '', 'image/jpeg', 'jpeg'],
      [
        'the source format with format=origin',
        'image/avif,image/webp',
        '&format=origin',
        'image/jpeg',
        'jpeg',
      ],
    ])('%s', async (_, accept, extra, contentType, decoded) => {
      const response = await render(`public/open/photo.jpg?width=64${extra}`)
        .set('accept', accept)
        .expect(200);
      expect(response.headers['content-type']).toBe(contentType);
      expect(response.headers.vary).toBe('Accept');
      expect((await dimensionsOf(body(response))).format).toBe(decoded);
    });

    it('keeps a PNG a PNG', async () => {
      const response = await render('public/open/picture.png?width=20').expect(200);
      expect(await dimensionsOf(body(response))).toEqual({ width: 20, height: 10, format: 'png' });
    });
  });

  describe('refusals, in the envelope', () => {
    it.each([
      ['a width that is not a number', 'width=wide', 'InvalidRequest'],
      ['an unknown resize mode', 'resize=stretch', 'InvalidRequest'],
      ['a format other than origin', 'format=gif', 'InvalidRequest'],
      ['a quality that is not a number', 'quality=best', 'InvalidRequest'],
    ])('%s', async (_, query, code) => {
      const response = await fixture.request.get(`/render/image/public/open/photo.jpg?${query}`).expect(400);
      expect(response.body).toMatchObject({ statusCode: '400', code });
    });

    it('refuses an object that is not an image', async () => {
      const response = await fixture.request.get('/render/image/public/open/notes.txt?width=10').expect(400);
      expect(response.body).toMatchObject({ statusCode: '400', code: 'InvalidRequest' });
      expect(response.body.message).toMatch(/not an image/);
    });

    it('refuses a corrupt image', async () => {
      const photo = await testImage(200, 200);
      await upload('open', 'broken.jpg', photo.subarray(0, photo.length / 2));
      const response = await fixture.request.get('/render/image/public/open/broken.jpg?width=10').expect(400);
      expect(response.body).toMatchObject({ statusCode: '400', code: 'InvalidRequest' });
    });

    it('refuses a source larger than the size limit', async () => {
      await upload('open', 'big.png', await testImage(400, 400, 'png'), 'image/png');
      const response = await fixture.request.get('/render/image/public/open/big.png?width=10').expect(400);
      expect(response.body).toMatchObject({ statusCode: '413', code: 'EntityTooLarge' });
    });

    it('refuses a decompression bomb: few bytes, too many pixels', async () => {
      const flat = await sharp({ create: { width: 3000, height: 3000, channels: 3, background: '#fff' } })
        .png()
        .toBuffer();
      expect(flat.length).toBeLessThan(100_000);
      await upload('open', 'bomb.png', flat, 'image/png');
      const response = await fixture.request.get('/render/image/public/open/bomb.png?width=10').expect(400);
      expect(response.body).toMatchObject({ statusCode: '413', code: 'EntityTooLarge' });
    });

    it('answers a missing object as missing', async () => {
      const response = await fixture.request.get('/render/image/public/open/none.jpg?width=10').expect(400);
      expect(response.body).toMatchObject({ statusCode: '404', code: 'NoSuchKey' });
    });
  });

  describe('authorization, as the object routes', () => {
    it('needs a token on the authenticated route', async () => {
      const response = await fixture.request.get(`/render/image/authenticated/photos/${alice}/photo.jpg`);
      expect(response.body).toMatchObject({ statusCode: '400', code: 'InvalidRequest' });
    });

    it('lets policies decide on the authenticated route', async () => {
      const own = await render(`authenticated/photos/${alice}/photo.jpg?width=40`, aliceAuth).expect(200);
      expect(await dimensionsOf(body(own))).toMatchObject({ width: 40, height: 30 });
      const other = await fixture.request
        .get(`/render/image/authenticated/photos/${alice}/photo.jpg?width=40`)
        .set('authorization', bobAuth)
        .expect(400);
      expect(other.body).toMatchObject({ statusCode: '404', code: 'NoSuchKey' });
    });

    it('serves public buckets to anyone, and reports private ones as missing', async () => {
      await render('public/open/photo.jpg?width=40').expect(200);
      const hidden = await fixture.request
        .get(`/render/image/public/photos/${alice}/photo.jpg?width=40`)
        .expect(400);
      expect(hidden.body).toMatchObject({ statusCode: '404', code: 'NoSuchBucket' });
    });
  });

  describe('caching headers', () => {
    const path = `authenticated/photos/${alice}/photo.jpg`;

    it('answers HEAD with the headers of GET and no body', async () => {
      const get = await render(`${path}?width=64`, aliceAuth).expect(200);
      const head = await fixture.request
        .head(`/render/image/${path}?width=64`)
        .set('authorization', aliceAuth)
        .expect(200);
      for (const name of ['content-type', 'content-length', 'etag', 'cache-control', 'last-modified']) {
        expect(head.headers[name]).toBe(get.headers[name]);
      }
      expect(head.text ?? '').toBe('');
      expect(get.headers['cache-control']).toBe('max-age=600');
    });

    it('answers a matching If-None-Match with 304 and no body', async () => {
      const first = await render(`${path}?width=64`, aliceAuth).expect(200);
      const again = await fixture.request
        .get(`/render/image/${path}?width=64`)
        .set({ authorization: aliceAuth, 'if-none-match': first.headers.etag as string })
        .expect(304);
      expect(again.headers.etag).toBe(first.headers.etag);
    });

    it('gives each transformation and format its own ETag', async () => {
      const etags = new Set<string>();
      for (const [query, accept] of [
        ['width=64', '*/*'],
        ['width=65', '*/*'],
        ['width=64&resize=fill', '*/*'],
        ['width=64&quality=50', '*/*'],
        ['width=64', 'image/webp'],
      ]) {
        const response = await render(`${path}?${query}`, aliceAuth).set('accept', accept as string);
        etags.add(response.headers.etag as string);
      }
      expect(etags.size).toBe(5);
    });
  });

  describe('signed URLs', () => {
    const sign = async (key: string, body: object) => {
      const response = await fixture.request
        .post(`/object/sign/photos/${key}`)
        .set('authorization', aliceAuth)
        .send(body)
        .expect(200);
      return response.body.signedURL as string;
    };

    it('point at the render route and apply the transformation in the token', async () => {
      const url = await sign(`${alice}/photo.jpg`, {
        expiresIn: 60,
        transform: { width: 100, height: 100, resize: 'contain' },
      });
      expect(url).toMatch(/^\/render\/image\/sign\/photos\//);
      const response = await binary(fixture.request.get(url)).expect(200);
      expect(await dimensionsOf(body(response))).toEqual({ width: 100, height: 75, format: 'jpeg' });
    });

    it('cannot be overridden by the query', async () => {
      const url = await sign(`${alice}/photo.jpg`, {
        expiresIn: 60,
        transform: { width: '50', resize: 'fill', height: '20' },
      });
      const response = await binary(fixture.request.get(`${url}&width=400&height=400&resize=cover`)).expect(
        200,
      );
      expect(await dimensionsOf(body(response))).toMatchObject({ width: 50, height: 20 });
    });

    it('refuses a token of another object or a forged one', async () => {
      const url = await sign(`${alice}/photo.jpg`, { expiresIn: 60, transform: { width: 10 } });
      const token = url.split('token=')[1];
      const other = await fixture.request.get(`/render/image/sign/open/photo.jpg?token=${token}`).expect(400);
      expect(other.body).toMatchObject({ code: 'InvalidSignature' });
      const forged = await fixture.request
        .get(`/render/image/sign/photos/${alice}/photo.jpg?token=${token}x`)
        .expect(400);
      expect(forged.body).toMatchObject({ code: 'InvalidSignature' });
    });
  });

  describe('the rendering cache', () => {
    it('serves a repeated request from the blob store without reading the source again', async () => {
      await upload('open', 'cached.jpg', await testImage(300, 200));
      const first = await render('public/open/cached.jpg?width=30').expect(200);
      // With the source's blob gone, only the cached rendering can answer.
      const object = await fixture.context.metadata.transaction(systemScope('test'), (tx) =>
        tx.findObject('open', 'cached.jpg'),
      );
      await fixture.context.blobs.delete([`stub/open/cached.jpg/${object?.version}`]);
      const again = await render('public/open/cached.jpg?width=30').expect(200);
      expect(body(again).equals(body(first))).toBe(true);
      expect(again.headers.etag).toBe(first.headers.etag);
      const uncached = await fixture.request.get('/render/image/public/open/cached.jpg?width=31').expect(400);
      expect(uncached.body).toMatchObject({ code: 'NoSuchKey' });
    });

    const versionOf = async (key: string) =>
      (await fixture.context.metadata.transaction(systemScope('test'), (tx) => tx.findObject('open', key)))
        ?.version;
    /** Where the rendering a response came from lives in the blob store. */
    const renderingKey = async (key: string, response: Response) =>
      `stub/~render/open/${key}/${await versionOf(key)}/${(response.headers.etag as string).replaceAll('"', '')}`;

    it('renders the new content after an overwrite, under a new ETag, and drops the old renderings', async () => {
      await upload('open', 'changing.jpg', await testImage(300, 200));
      const before = await render('public/open/changing.jpg?width=30').expect(200);
      const oldRendering = await renderingKey('changing.jpg', before);
      expect(await fixture.context.blobs.head(oldRendering)).toBeDefined();
      await upload('open', 'changing.jpg', await testImage(200, 200));
      expect(await fixture.context.blobs.head(oldRendering)).toBeUndefined();
      const after = await render('public/open/changing.jpg?width=30').expect(200);
      expect(after.headers.etag).not.toBe(before.headers.etag);
      expect(await dimensionsOf(body(after))).toMatchObject({ width: 30, height: 30 });
    });

    it('drops the renderings of a deleted or moved object', async () => {
      await upload('open', 'deleted.jpg', await testImage(100, 100));
      await upload('open', 'moved.jpg', await testImage(100, 100));
      const renderings = [
        await renderingKey('deleted.jpg', await render('public/open/deleted.jpg?width=20').expect(200)),
        await renderingKey('moved.jpg', await render('public/open/moved.jpg?width=20').expect(200)),
      ];
      for (const rendering of renderings) expect(await fixture.context.blobs.head(rendering)).toBeDefined();
      await fixture.request
        .delete('/object/open/deleted.jpg')
        .set('authorization', fixture.service)
        .expect(200);
      await fixture.request
        .post('/object/move')
        .set('authorization', fixture.service)
        .send({ bucketId: 'open', sourceKey: 'moved.jpg', destinationKey: 'elsewhere.jpg' })
        .expect(200);
      for (const rendering of renderings) expect(await fixture.context.blobs.head(rendering)).toBeUndefined();
      await render('public/open/elsewhere.jpg?width=20').expect(200);
    });
  });
});
