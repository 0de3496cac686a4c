import { createHash } from 'node:crypto';
import { StorageClient } from '@supabase/storage-js';
import { sql } from 'kysely';
import supertest from 'supertest';
import { type Backend, type Instance, resumableFixture } from './support/resumable-fixture';
import { MIB, payload, sha256, statusOf, tusOptions, upload, uploadUntil } from './support/tus-client';

const OWNER = '3b241101-e2bb-4255-8caf-4136c566a962';

describe.each<Backend>(['fs', 's3'])('resumable uploads with tus-js-client on the %s backend', (backend) => {
  let fixture: Awaited<ReturnType<typeof resumableFixture>>;
  let first: Instance;
  let auth: Record<string, string>;

  beforeAll(async () => {
    fixture = await resumableFixture(backend);
    first = await fixture.startInstance();
    auth = { authorization: fixture.service };
    await supertest(first.url).post('/bucket').set(auth).send({ name: 'media', public: false }).expect(200);
  }, 300_000); // PGlite and s3rver start slowly on a loaded machine
  afterAll(() => fixture.cleanup());

  const download = async (url: string, name: string) => {
    const response = await supertest(url)
      .get(`/object/media/${encodeURIComponent(name)}`)
      .set(auth)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
    return response;
  };

  it('resumes a 50 MiB upload on a second instance after the client and the first instance went away', async () => {
    const { bytes, sha256: expected } = payload(50 * MIB);
    const name = 'videos/über clip.mp4';
    const user = await fixture.user(OWNER);
    const options = tusOptions(
      { authorization: user },
      {
        bucketName: 'media',
        objectName: name,
        contentType: 'video/mp4',
        cacheControl: '3600',
        metadata: '{"take":2}',
      },
    );
    await sql`create policy tus_owner on storage.objects for all to authenticated
              using (owner_id = auth.uid()::text) with check (owner_id = auth.uid()::text)`.execute(
      fixture.store.db,
    );
    const interrupted = await uploadUntil(
      bytes,
      { ...options, endpoint: `${first.url}/upload/resumable` },
      20 * MIB,
    );
    expect(interrupted).toMatch(new RegExp(`^${first.url}/upload/resumable/[A-Za-z0-9_-]+$`));
    await first.stop();
    const second = await fixture.startInstance();
    expect((await download(second.url, name)).status).toBe(400);
    const id = interrupted.slice(interrupted.lastIndexOf('/') + 1);
    const head = await supertest(second.url)
      .head(`/upload/resumable/${id}`)
      .set({ authorization: user, 'tus-resumable': '1.0.0' });
    expect(head.status).toBe(200);
    const resumedFrom = Number(head.headers['upload-offset']);
    expect(resumedFrom).toBeGreaterThan(0);
    expect(resumedFrom).toBeLessThan(50 * MIB);

    await upload(bytes, { ...options, uploadUrl: `${second.url}/upload/resumable/${id}` });
    const got = await download(second.url, name);
    expect(got.status).toBe(200);
    expect(sha256(got.body as Buffer)).toBe(expected);
    expect(got.headers['content-type']).toBe('video/mp4');
    expect(got.headers['cache-control']).toBe('max-age=3600');
    // Hashed across both instances: the plain MD5 of the content, as a REST upload's ETag.
    expect(got.headers.etag).toBe(`"${createHash('md5').update(bytes).digest('hex')}"`);
    const info = await supertest(second.url)
      .get(`/object/info/media/${encodeURIComponent(name)}`)
      .set(auth);
    expect(info.body).toMatchObject({ size: 50 * MIB, content_type: 'video/mp4', metadata: { take: 2 } });
    const finished = await supertest(second.url)
      .head(`/upload/resumable/${id}`)
      .set({ authorization: user, 'tus-resumable': '1.0.0' });
    expect(finished.headers['upload-offset']).toBe(String(50 * MIB));
    first = second;
  }, 300_000);

  it('runs uploads of different objects in parallel', async () => {
    const files = [0, 1, 2].map((index) => ({
      name: `parallel/${index}.bin`,
      ...payload((7 + index) * MIB + index),
    }));
    await Promise.all(
      files.map(({ name, bytes }) =>
        upload(bytes, {
          ...tusOptions(auth, { bucketName: 'media', objectName: name }),
          endpoint: `${first.url}/upload/resumable`,
        }),
      ),
    );
    for (const { name, sha256: expected } of files) {
      expect(sha256((await download(first.url, name)).body as Buffer)).toBe(expected);
    }
  }, 180_000);

  it('replaces an existing object only with x-upsert, and only at the last byte', async () => {
    const name = 'upsert/doc.txt';
    await supertest(first.url)
      .post(`/object/media/${name}`)
      .set(auth)
      .set('content-type', 'text/plain')
      .send('old')
      .expect(200);
    const { bytes, sha256: expected } = payload(6 * MIB + 5);
    const options = {
      ...tusOptions(auth, { bucketName: 'media', objectName: name, contentType: 'text/plain' }),
      endpoint: `${first.url}/upload/resumable`,
    };
    const refused = await upload(bytes, options).catch((error: unknown) => error);
    expect(statusOf(refused)).toBe(409);

    const partial = await uploadUntil(bytes, { ...options, headers: { ...auth, 'x-upsert': 'true' } }, MIB);
    expect((await download(first.url, name)).body.toString()).toBe('old');
    await upload(bytes, { ...options, headers: { ...auth, 'x-upsert': 'true' }, uploadUrl: partial });
    expect(sha256((await download(first.url, name)).body as Buffer)).toBe(expected);
  }, 120_000);

  it('uploads with a signed upload token in x-signature, and refuses it for another object', async () => {
    const name = 'signed/report.pdf';
    const signed = await supertest(first.url).post(`/object/upload/sign/media/${name}`).set(auth).expect(200);
    const token = signed.body.token as string;
    const { bytes, sha256: expected } = payload(2 * MIB);
    const endpoint = `${first.url}/upload/resumable/sign`;
    const other = await upload(bytes, {
      ...tusOptions({ 'x-signature': token }, { bucketName: 'media', objectName: 'signed/other.pdf' }),
      endpoint,
    }).catch((error: unknown) => error);
    expect(statusOf(other)).toBe(400);
    const url = await upload(bytes, {
      ...tusOptions(
        { 'x-signature': token },
        { bucketName: 'media', objectName: name, contentType: 'application/pdf' },
      ),
      endpoint,
    });
    expect(url).toMatch(new RegExp(`^${endpoint}/`));
    expect(sha256((await download(first.url, name)).body as Buffer)).toBe(expected);
  }, 120_000);

  it('makes the object a REST upload of the same bytes makes, as REST and storage-js see it', async () => {
    // Three tus requests, so three parts: the ETag must still be the plain MD5 of the content.
    const { bytes } = payload(13 * MIB + 5);
    const md5 = createHash('md5').update(bytes).digest('hex');
    const metadata = { take: 3, scene: 'über' };
    const storage = new StorageClient(first.url, {
      apikey: fixture.service.slice(7),
      Authorization: fixture.service,
    });
    const rest = await storage.from('media').upload('same/rest.bin', bytes, {
      contentType: 'video/webm',
      cacheControl: '600',
      metadata,
    });
    expect(rest.error).toBeNull();
    await upload(bytes, {
      ...tusOptions(auth, {
        bucketName: 'media',
        objectName: 'same/tus.bin',
        contentType: 'video/webm',
        cacheControl: '600',
        metadata: JSON.stringify(metadata),
      }),
      endpoint: `${first.url}/upload/resumable`,
    });

    const seen = async (name: string) => {
      const info = await supertest(first.url).get(`/object/info/media/${name}`).set(auth).expect(200);
      const head = await supertest(first.url).head(`/object/media/${name}`).set(auth).expect(200);
      const { data: listed } = await storage.from('media').list('same');
      const { data: viaClient } = await storage.from('media').info(name);
      const row = listed?.find((entry) => `same/${entry.name}` === name);
      return {
        info: { ...info.body, id: undefined, name: undefined, version: undefined, ...timesOf(info.body) },
        head: {
          etag: head.headers.etag,
          length: head.headers['content-length'],
          type: head.headers['content-type'],
          cache: head.headers['cache-control'],
        },
        list: { ...row?.metadata, lastModified: undefined },
        client: {
          ...viaClient,
          id: undefined,
          name: undefined,
          version: undefined,
          ...timesOf(viaClient ?? {}),
        },
      };
    };
    const fromRest = await seen('same/rest.bin');
    const fromTus = await seen('same/tus.bin');
    expect(fromTus).toEqual(fromRest);
    expect(fromTus.head).toEqual({
      etag: `"${md5}"`,
      length: String(13 * MIB + 5),
      type: 'video/webm',
      cache: 'max-age=600',
    });
    expect(fromTus.list).toMatchObject({
      eTag: `"${md5}"`,
      size: 13 * MIB + 5,
      mimetype: 'video/webm',
      cacheControl: 'max-age=600',
    });
    expect(fromTus.info).toMatchObject({ metadata });
  }, 180_000);
});

/** The fields that tell when an object was made: they differ between two uploads whatever they hold. */
const timesOf = (object: object) =>
  Object.fromEntries(
    Object.keys(object)
      .filter((key) => /(_at|At|last_modified|lastModified)$/.test(key))
      .map((key) => [key, undefined]),
  );
