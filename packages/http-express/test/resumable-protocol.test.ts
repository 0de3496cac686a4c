import { createHash, randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'kysely';
import supertest from 'supertest';
import { sweepExpiredUploads } from '../src';
import { type Instance, resumableFixture } from './support/resumable-fixture';
import { jwtFor } from './support/storage-app-fixture';
import { bodyOf, MIB, statusOf, tusOptions, upload } from './support/tus-client';

const b64 = (text: string) => Buffer.from(text).toString('base64');
const metadataHeader = (fields: Record<string, string>) =>
  Object.entries(fields)
    .map(([key, value]) => `${key} ${b64(value)}`)
    .join(',');

/** Every file under a directory, recursively. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

describe('the resumable upload protocol', () => {
  let fixture: Awaited<ReturnType<typeof resumableFixture>>;
  let instance: Instance;
  let tus: Record<string, string>;

  const create = (
    fields: Record<string, string>,
    length: number | 'deferred',
    headers: Record<string, string> = {},
  ) =>
    supertest(instance.url)
      .post('/upload/resumable')
      .set({
        ...tus,
        'upload-metadata': metadataHeader(fields),
        ...(length === 'deferred' ? { 'upload-defer-length': '1' } : { 'upload-length': String(length) }),
        ...headers,
      });
  const idOf = (location = '') => location.slice(location.lastIndexOf('/') + 1);
  const patch = (id: string, offset: number, body: Buffer, headers: Record<string, string> = {}) =>
    supertest(instance.url)
      .patch(`/upload/resumable/${id}`)
      .set({
        ...tus,
        'upload-offset': String(offset),
        'content-type': 'application/offset+octet-stream',
        ...headers,
      })
      .send(body);

  beforeAll(async () => {
    fixture = await resumableFixture('fs');
    instance = await fixture.startInstance();
    tus = { authorization: fixture.service, 'tus-resumable': '1.0.0' };
    const admin = supertest(instance.url);
    await admin.post('/bucket').set(tus).send({ name: 'docs' }).expect(200);
    await admin
      .post('/bucket')
      .set(tus)
      .send({ name: 'small', file_size_limit: 1000, allowed_mime_types: ['text/*'] })
      .expect(200);
  }, 300_000); // PGlite and s3rver start slowly on a loaded machine
  afterAll(() => fixture.cleanup());

  it('answers OPTIONS without auth, naming the version and extensions', async () => {
    const response = await supertest(instance.url).options('/upload/resumable').expect(204);
    expect(response.headers['tus-version']).toBe('1.0.0');
    expect(response.headers['tus-extension']).toBe(
      'creation,creation-with-upload,creation-defer-length,termination,expiration',
    );
    await supertest(instance.url).options('/upload/resumable/sign/abc').expect(204);
  });

  it('refuses a missing or wrong Tus-Resumable with 412', async () => {
    const fields = { bucketName: 'docs', objectName: 'a.txt' };
    expect((await create(fields, 3, { 'tus-resumable': '0.2.2' })).status).toBe(412);
    const missing = await supertest(instance.url)
      .post('/upload/resumable')
      .set({
        authorization: fixture.service,
        'upload-length': '3',
        'upload-metadata': metadataHeader(fields),
      });
    expect(missing.status).toBe(412);
  });

  it('gives an absolute Location from the forwarded host and scheme', async () => {
    const response = await create({ bucketName: 'docs', objectName: 'where.txt' }, 3, {
      'x-forwarded-host': 'storage.example.com',
      'x-forwarded-proto': 'https',
    });
    expect(response.status).toBe(201);
    expect(response.headers.location).toMatch(/^https:\/\/storage\.example\.com\/upload\/resumable\/[\w-]+$/);
    expect(Buffer.from(idOf(response.headers.location), 'base64url').toString()).toMatch(
      /^docs\/where\.txt\/[0-9a-f-]{36}$/,
    );
  });

  it('puts X-Forwarded-Prefix before the path of Location only when allowed', async () => {
    const forwarded = {
      'x-forwarded-host': 'project.example.com',
      'x-forwarded-proto': 'https',
      'x-forwarded-prefix': '/storage/v1/',
    };
    const ignored = await create({ bucketName: 'docs', objectName: 'prefixed.txt' }, 3, forwarded);
    expect(ignored.headers.location).toMatch(/^https:\/\/project\.example\.com\/upload\/resumable\/[\w-]+$/);

    const gateway = await fixture.startInstance({ allowForwardedPrefix: true });
    const created = await supertest(gateway.url)
      .post('/upload/resumable')
      .set({
        ...tus,
        ...forwarded,
        'upload-length': '3',
        'upload-metadata': metadataHeader({ bucketName: 'docs', objectName: 'prefixed.txt' }),
      });
    expect(created.status).toBe(201);
    expect(created.headers.location).toMatch(
      /^https:\/\/project\.example\.com\/storage\/v1\/upload\/resumable\/[\w-]+$/,
    );
    const signed = await supertest(gateway.url)
      .post('/object/upload/sign/docs/prefixed-signed.txt')
      .set(tus)
      .expect(200);
    const viaToken = await supertest(gateway.url)
      .post('/upload/resumable/sign')
      .set({
        ...forwarded,
        'tus-resumable': '1.0.0',
        'x-signature': signed.body.token as string,
        'upload-length': '3',
        'upload-metadata': metadataHeader({ bucketName: 'docs', objectName: 'prefixed-signed.txt' }),
      });
    expect(viaToken.headers.location).toMatch(
      /^https:\/\/project\.example\.com\/storage\/v1\/upload\/resumable\/sign\/[\w-]+$/,
    );
    const odd = await supertest(gateway.url)
      .post('/upload/resumable')
      .set({
        ...tus,
        ...forwarded,
        'x-forwarded-prefix': 'https://elsewhere.example.com',
        'upload-length': '3',
        'upload-metadata': metadataHeader({ bucketName: 'docs', objectName: 'odd.txt' }),
      });
    expect(odd.headers.location).toMatch(/^https:\/\/project\.example\.com\/upload\/resumable\/[\w-]+$/);
    await gateway.stop();
  });

  it('checks at creation what a REST upload checks, before any byte is stored', async () => {
    const anon = { ...tus, authorization: `Bearer ${await jwtFor({ role: 'anon' })}` };
    expect((await create({ bucketName: 'docs', objectName: 'x' }, 3, anon)).status).toBe(403);
    expect((await create({ bucketName: 'nope', objectName: 'x' }, 3)).status).toBe(404);
    expect((await create({ bucketName: 'docs', objectName: 'a//b' }, 3)).status).toBe(400);
    expect(
      (await create({ bucketName: 'small', objectName: 'x.zip', contentType: 'application/zip' }, 3)).status,
    ).toBe(415);
    expect(
      (await create({ bucketName: 'small', objectName: 'x.txt', contentType: 'text/plain' }, 1001)).status,
    ).toBe(413);
    expect((await filesUnder(fixture.blobRoot)).filter((file) => !file.includes('~uploads'))).toEqual([]);
  });

  it('refuses malformed Upload-Metadata with 400', async () => {
    const bad = (value: string) =>
      supertest(instance.url)
        .post('/upload/resumable')
        .set({ ...tus, 'upload-length': '3', 'upload-metadata': value });
    expect((await bad('bucketName !!!notbase64')).status).toBe(400);
    expect((await bad(metadataHeader({ objectName: 'no-bucket.txt' }))).status).toBe(400);
    expect(
      (await bad(metadataHeader({ bucketName: 'docs', objectName: 'm', metadata: '{oops' }))).status,
    ).toBe(400);
  });

  it('refuses a wrong offset (409), bytes past the length (413) and an unknown id (404)', async () => {
    const created = await create(
      { bucketName: 'docs', objectName: 'offsets.txt', contentType: 'text/plain' },
      10,
    );
    const id = idOf(created.headers.location);
    expect((await patch(id, 0, Buffer.from('hello'))).headers['upload-offset']).toBe('5');
    expect((await patch(id, 0, Buffer.from('again'))).status).toBe(409);
    expect((await patch(id, 5, Buffer.from('far too many bytes'))).status).toBe(413);
    expect((await patch(Buffer.from('docs/ghost/1').toString('base64url'), 0, Buffer.from('x'))).status).toBe(
      404,
    );
    expect((await supertest(instance.url).head('/upload/resumable/not-an-id!').set(tus)).status).toBe(404);
    const done = await patch(id, 5, Buffer.from('world'));
    expect(done.status).toBe(204);
    expect(done.headers['tus-complete']).toBe('1');
    const text = await supertest(instance.url).get('/object/docs/offsets.txt').set(tus);
    expect(text.text).toBe('helloworld');
  });

  it('streams whole parts, keeps the rest of a request as a tail, and hashes every byte once', async () => {
    const bytes = randomBytes(20 * MIB + 3);
    const created = await create({ bucketName: 'docs', objectName: 'parts.bin' }, bytes.length);
    const id = idOf(created.headers.location);
    // 8 MiB streamed into a part, the next 1 MiB (too short for one) kept as a tail.
    expect((await patch(id, 0, bytes.subarray(0, 9 * MIB))).headers['upload-offset']).toBe(String(9 * MIB));
    const upload = await fixture.store.resumableUploads.find(id);
    expect(upload?.parts.map((part) => part.size)).toEqual([8 * MIB]);
    expect(upload?.tail?.size).toBe(MIB);
    // The tail read back before the rest: 12 MiB gathered into an 8 MiB part and a last part of 4 MiB.
    const done = await patch(id, 9 * MIB, bytes.subarray(9 * MIB));
    expect(done.status).toBe(204);
    expect(done.headers['tus-complete']).toBe('1');
    const got = await supertest(instance.url)
      .get('/object/docs/parts.bin')
      .set(tus)
      .buffer(true)
      .parse((res, callback) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => callback(null, Buffer.concat(chunks)));
      });
    expect(Buffer.compare(got.body as Buffer, bytes)).toBe(0);
    expect(got.headers.etag).toBe(`"${createHash('md5').update(bytes).digest('hex')}"`);
  });

  it('enforces the size limit while streaming a deferred length', async () => {
    const created = await create(
      { bucketName: 'small', objectName: 'grow.txt', contentType: 'text/plain' },
      'deferred',
    );
    expect(created.status).toBe(201);
    const id = idOf(created.headers.location);
    expect((await patch(id, 0, Buffer.alloc(600))).status).toBe(204);
    expect((await patch(id, 600, Buffer.alloc(600))).status).toBe(413);
    const finished = await patch(id, 600, Buffer.alloc(100), { 'upload-length': '700' });
    expect(finished.headers['tus-complete']).toBe('1');
  });

  it('terminates an unfinished upload, never a finished one', async () => {
    const unfinished = idOf(
      (await create({ bucketName: 'docs', objectName: 'gone.txt' }, 10)).headers.location,
    );
    await patch(unfinished, 0, Buffer.from('abc'));
    await supertest(instance.url).delete(`/upload/resumable/${unfinished}`).set(tus).expect(204);
    expect((await supertest(instance.url).head(`/upload/resumable/${unfinished}`).set(tus)).status).toBe(404);

    const finished = await create(
      { bucketName: 'docs', objectName: 'kept.txt', contentType: 'text/plain' },
      3,
      {
        'content-type': 'application/offset+octet-stream',
      },
    ).send(Buffer.from('abc'));
    expect(finished.headers['tus-complete']).toBe('1');
    const refused = await supertest(instance.url)
      .delete(`/upload/resumable/${idOf(finished.headers.location)}`)
      .set(tus);
    expect(refused.status).toBe(400);
    expect((await supertest(instance.url).get('/object/docs/kept.txt').set(tus)).text).toBe('abc');
  });

  it('refuses a forged x-signature and one signed for another object', async () => {
    const signed = await supertest(instance.url)
      .post('/object/upload/sign/docs/mine.txt')
      .set(tus)
      .expect(200);
    const token = signed.body.token as string;
    const sign = (headers: Record<string, string>, fields = { bucketName: 'docs', objectName: 'mine.txt' }) =>
      supertest(instance.url)
        .post('/upload/resumable/sign')
        .set({
          'tus-resumable': '1.0.0',
          'upload-length': '3',
          'upload-metadata': metadataHeader(fields),
          ...headers,
        });
    expect((await sign({ 'x-signature': `${token.slice(0, -4)}AAAA` })).status).toBe(400);
    expect((await sign({})).status).toBe(400);
    const elsewhere = idOf(
      (await create({ bucketName: 'docs', objectName: 'theirs.txt' }, 3)).headers.location,
    );
    const crossed = await supertest(instance.url)
      .head(`/upload/resumable/sign/${elsewhere}`)
      .set({ 'tus-resumable': '1.0.0', 'x-signature': token });
    expect(crossed.status).toBe(400);
    expect((await sign({ 'x-signature': token })).status).toBe(201);
  });

  it('answers auth errors before tus as tus answers its own, and tus-js-client reports them', async () => {
    const fields = { bucketName: 'docs', objectName: 'auth.txt' };
    const creation = (headers: Record<string, string>, path = '/upload/resumable') =>
      supertest(instance.url)
        .post(path)
        .set({
          'tus-resumable': '1.0.0',
          'upload-length': '3',
          'upload-metadata': metadataHeader(fields),
          ...headers,
        });
    const forged = `${fixture.service.slice(0, -4)}AAAA`;
    for (const [response, status, code] of [
      [await creation({}), 400, 'InvalidRequest'],
      [await creation({ authorization: forged }), 403, 'AccessDenied'],
      [await creation({ 'x-signature': 'not.a.token' }, '/upload/resumable/sign'), 400, 'InvalidSignature'],
    ] as const) {
      expect(response.status).toBe(status);
      expect(response.headers['tus-resumable']).toBe('1.0.0');
      expect(response.body).toMatchObject({ statusCode: String(status), code });
    }
    const refused = await upload(Buffer.from('abc'), {
      ...tusOptions({ authorization: forged }, fields),
      endpoint: `${instance.url}/upload/resumable`,
    }).catch((error: unknown) => error);
    expect(statusOf(refused)).toBe(403);
    expect(JSON.parse(bodyOf(refused))).toMatchObject({ code: 'AccessDenied' });
  });

  it('answers 410 for an expired upload, and the sweep leaves nothing of it', async () => {
    const created = await create({ bucketName: 'docs', objectName: 'expiring.bin' }, 20 * MIB);
    const id = idOf(created.headers.location);
    await patch(id, 0, Buffer.alloc(9 * MIB + 7, 1));
    const state = await fixture.store.resumableUploads.find(id);
    expect(state?.parts).toHaveLength(1);
    expect(state?.tail).not.toBeNull();
    await sql`update storage.resumable_uploads set expires_at = now() - interval '1 second'`.execute(
      fixture.store.db,
    );
    expect((await supertest(instance.url).head(`/upload/resumable/${id}`).set(tus)).status).toBe(410);
    expect((await patch(id, 9 * MIB + 7, Buffer.from('late'))).status).toBe(410);

    expect(await sweepExpiredUploads(instance.context, fixture.store.resumableUploads)).toBeGreaterThan(1);
    expect(await fixture.store.db.selectFrom('storage.resumable_uploads').selectAll().execute()).toEqual([]);
    expect((await supertest(instance.url).head(`/upload/resumable/${id}`).set(tus)).status).toBe(404);
    const objects = (await supertest(instance.url).post('/object/list/docs').set(tus).send({ prefix: '' }))
      .body as {
      name: string;
    }[];
    const kept = new Set(objects.map((object) => object.name));
    const leftovers = (await filesUnder(fixture.blobRoot)).filter(
      (file) => ![...kept].some((name) => file.includes(`/docs/${name}/`)) && !file.includes('/small/'),
    );
    expect(leftovers).toEqual([]);
  });
});
