import { createHash, randomBytes } from 'node:crypto';
import { type IncomingMessage, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import supertest from 'supertest';
import { type Backend, type Instance, resumableFixture } from './support/resumable-fixture';
import { MIB, sha256 } from './support/tus-client';

const b64 = (text: string) => Buffer.from(text).toString('base64');

/**
 * A client whose connection drops in the middle of a PATCH: after stored parts, its offset is theirs
 * (plus, for a body without Content-Length, the bytes kept as a tail), no object exists until the last
 * byte, and resuming from that offset makes the object a single upload of the same bytes makes.
 */
describe.each<Backend>(['fs', 's3'])(
  'a resumable upload cut off mid-request on the %s backend',
  (backend) => {
    let fixture: Awaited<ReturnType<typeof resumableFixture>>;
    let instance: Instance;
    let tus: Record<string, string>;

    beforeAll(async () => {
      fixture = await resumableFixture(backend);
      instance = await fixture.startInstance();
      tus = { authorization: fixture.service, 'tus-resumable': '1.0.0' };
      await supertest(instance.url).post('/bucket').set(tus).send({ name: 'cuts' }).expect(200);
    }, 300_000); // PGlite and s3rver start slowly on a loaded machine
    afterAll(() => fixture.cleanup());

    const create = async (name: string, length: number) => {
      const created = await supertest(instance.url)
        .post('/upload/resumable')
        .set({
          ...tus,
          'upload-length': String(length),
          'upload-metadata': `bucketName ${b64('cuts')},objectName ${b64(name)}`,
        })
        .expect(201);
      const location = created.headers.location ?? '';
      return location.slice(location.lastIndexOf('/') + 1);
    };
    /** The offset a client resumes from: HEAD waits for the upload's lock, so for a cut-off PATCH to end. */
    const offsetOf = async (id: string) => {
      const head = await supertest(instance.url).head(`/upload/resumable/${id}`).set(tus).expect(200);
      return Number(head.headers['upload-offset']);
    };
    /** The offset as stored, read without the lock: a HEAD would wait for a PATCH, and interrupt it. */
    const recordedOffset = async (id: string) => (await fixture.store.resumableUploads.find(id))?.offset ?? 0;
    /** A PATCH over node:http, with Content-Length or (`'chunked'`) without it. */
    const patchRequest = (id: string, offset: number, announced: number | 'chunked') =>
      request(`${instance.url}/upload/resumable/${id}`, {
        method: 'PATCH',
        headers: {
          ...tus,
          'upload-offset': String(offset),
          'content-type': 'application/offset+octet-stream',
          ...(announced === 'chunked'
            ? { 'transfer-encoding': 'chunked' }
            : { 'content-length': String(announced) }),
        },
      });
    const patch = (id: string, offset: number, body: Buffer, announced: 'length' | 'chunked') =>
      new Promise<IncomingMessage>((resolve, reject) => {
        const sent = patchRequest(id, offset, announced === 'chunked' ? announced : body.length);
        sent.on('response', (response) => response.resume().on('end', () => resolve(response)));
        sent.on('error', reject);
        sent.end(body);
      });

    /**
     * Sends a PATCH that announces `announced` bytes (`'chunked'`: no Content-Length), delivers `sent`,
     * waits until the upload's offset reaches `stored` (a part the server stored from this request), then
     * destroys the socket, as a client whose network goes away.
     */
    const cutOffPatch = async (
      id: string,
      offset: number,
      sent: Buffer,
      announced: number | 'chunked',
      stored: number,
    ) => {
      const cut = patchRequest(id, offset, announced);
      let answered: number | undefined;
      cut.on('response', (response) => {
        answered = response.statusCode;
      });
      const closed = new Promise((resolve) => cut.on('close', resolve));
      cut.on('error', () => undefined);
      cut.write(sent);
      while ((await recordedOffset(id)) < stored) await sleep(20);
      cut.destroy();
      await closed;
      expect(answered).toBeUndefined();
    };

    const expectNoObject = async (name: string) => {
      const info = await supertest(instance.url).get(`/object/info/cuts/${name}`).set(tus);
      expect([info.status, info.body]).toEqual([400, expect.objectContaining({ statusCode: '404' })]);
      const got = await supertest(instance.url).get(`/object/cuts/${name}`).set(tus);
      expect([got.status, got.body]).toEqual([400, expect.objectContaining({ statusCode: '404' })]);
    };
    const expectObject = async (name: string, bytes: Buffer) => {
      const got = await supertest(instance.url)
        .get(`/object/cuts/${name}`)
        .set(tus)
        .buffer(true)
        .parse((res, done) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => done(null, Buffer.concat(chunks)));
        })
        .expect(200);
      expect(sha256(got.body as Buffer)).toBe(sha256(bytes));
      // The plain MD5 of the content, as a REST upload of the same bytes gets.
      expect(got.headers.etag).toBe(`"${createHash('md5').update(bytes).digest('hex')}"`);
      const info = await supertest(instance.url).get(`/object/info/cuts/${name}`).set(tus).expect(200);
      expect(info.body).toMatchObject({ size: bytes.length });
    };

    it('resumes a PATCH with Content-Length cut off after a part, and one cut off in its last part', async () => {
      const name = 'announced.bin';
      const bytes = randomBytes(28 * MIB + 5);
      const id = await create(name, bytes.length);

      // Announces the whole upload, delivers 12 MiB: one 8 MiB part, then less than a part's worth.
      await cutOffPatch(id, 0, bytes.subarray(0, 12 * MIB), bytes.length, 8 * MIB);
      expect(await offsetOf(id)).toBe(8 * MIB);
      const afterCut = await fixture.store.resumableUploads.find(id);
      expect(afterCut?.parts.map((part) => part.size)).toEqual([8 * MIB]);
      expect(afterCut?.tail).toBeNull();
      await expectNoObject(name);

      // Announces the rest (8 + 8 + 4 MiB and 5 bytes), cut off 2 MiB into the last part.
      await cutOffPatch(id, 8 * MIB, bytes.subarray(8 * MIB, 26 * MIB), bytes.length - 8 * MIB, 24 * MIB);
      expect(await offsetOf(id)).toBe(24 * MIB);
      await expectNoObject(name);

      // The rest in two requests: one with Content-Length (kept as a tail), the last one chunked.
      const tail = await patch(id, 24 * MIB, bytes.subarray(24 * MIB, 26 * MIB), 'length');
      expect([tail.statusCode, tail.headers['upload-offset']]).toEqual([204, String(26 * MIB)]);
      const last = await patch(id, 26 * MIB, bytes.subarray(26 * MIB), 'chunked');
      expect([last.statusCode, last.headers['tus-complete']]).toEqual([204, '1']);
      await expectObject(name, bytes);
    }, 120_000);

    it("keeps the short part a PATCH with Content-Length was cut off in when it is a part's worth", async () => {
      const name = 'short-part.bin';
      const bytes = randomBytes(20 * MIB);
      const id = await create(name, bytes.length);

      // Up to 6 MiB after the first part: stored when 5 MiB (S3's smallest part) came before the cut.
      await cutOffPatch(id, 0, bytes.subarray(0, 14 * MIB), bytes.length, 8 * MIB);
      const resumeFrom = await offsetOf(id);
      const afterCut = await fixture.store.resumableUploads.find(id);
      const [first, ...short] = afterCut?.parts.map((part) => part.size) ?? [];
      expect(first).toBe(8 * MIB);
      expect(short.every((size) => size >= 5 * MIB && size <= 6 * MIB)).toBe(true);
      expect(resumeFrom).toBe(8 * MIB + (short[0] ?? 0));
      expect(afterCut?.tail).toBeNull();
      await expectNoObject(name);

      const done = await patch(id, resumeFrom, bytes.subarray(resumeFrom), 'length');
      expect([done.statusCode, done.headers['tus-complete']]).toEqual([204, '1']);
      await expectObject(name, bytes);
    }, 120_000);

    it('resumes a chunked PATCH cut off after a part from the bytes it kept', async () => {
      const name = 'chunked.bin';
      const bytes = randomBytes(20 * MIB + 3);
      const id = await create(name, bytes.length);

      await cutOffPatch(id, 0, bytes.subarray(0, 12 * MIB), 'chunked', 8 * MIB);
      const resumeFrom = await offsetOf(id);
      // The 8 MiB part, and whatever came of the next 4 MiB before the cut, as a tail.
      expect(resumeFrom).toBeGreaterThanOrEqual(8 * MIB);
      expect(resumeFrom).toBeLessThanOrEqual(12 * MIB);
      const afterCut = await fixture.store.resumableUploads.find(id);
      expect(afterCut?.parts.map((part) => part.size)).toEqual([8 * MIB]);
      expect(afterCut?.tail?.size ?? 0).toBe(resumeFrom - 8 * MIB);
      await expectNoObject(name);

      const done = await patch(id, resumeFrom, bytes.subarray(resumeFrom), 'length');
      expect([done.statusCode, done.headers['tus-complete']]).toEqual([204, '1']);
      await expectObject(name, bytes);
    }, 120_000);
  },
);
