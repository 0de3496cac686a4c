import { readdir } from 'node:fs/promises';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import { createPresignedPost, type PresignedPostOptions } from '@aws-sdk/s3-presigned-post';
import { sql } from 'kysely';
import { type S3ServerFixture, s3ServerFixture } from './support/s3-server-fixture';

let fixture: S3ServerFixture;
let s3: S3Client;
beforeAll(async () => {
  fixture = await s3ServerFixture();
  s3 = fixture.s3();
  await s3.send(new CreateBucketCommand({ Bucket: 'forms' }));
});
afterAll(() => fixture.close());

type Fields = Record<string, string>;

/** What S3 replaces in a form's key with the file's name. */
const FILENAME = '$' + '{filename}';

/** A policy signed by @aws-sdk/s3-presigned-post (its own client-s3 release: the same client at run time). */
const presign = (client: S3Client, options: Omit<PresignedPostOptions, 'Bucket'> & { Bucket?: string }) =>
  createPresignedPost(client as unknown as Parameters<typeof createPresignedPost>[0], {
    Bucket: 'forms',
    ...options,
  });

/** Submits a form as a browser does: the fields, then the file last. */
async function submit(url: string, fields: Fields, file: string | Buffer, filename = 'photo.txt') {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append('file', new Blob([file], { type: 'text/plain' }), filename);
  const answer = await fetch(url, { method: 'POST', body: form, redirect: 'manual' });
  const body = await answer.text();
  return {
    status: answer.status,
    headers: answer.headers,
    body,
    code: /<Code>([^<]*)<\/Code>/.exec(body)?.[1],
  };
}

const read = async (Key: string, client = s3) => {
  const answer = await client.send(new GetObjectCommand({ Bucket: 'forms', Key }));
  return { answer, body: await answer.Body?.transformToString() };
};

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => `${entry.parentPath}/${entry.name}`);
}

describe('browser POST uploads with a policy from @aws-sdk/s3-presigned-post', () => {
  it('stores the file under the key naming the file, its type and metadata; answers 204', async () => {
    const { url, fields } = await presign(s3, {
      Key: `uploads/${FILENAME}`,
      Conditions: [['content-length-range', 1, 1024]],
      Fields: { 'Content-Type': 'text/plain', 'x-amz-meta-colour': 'blue', 'Cache-Control': 'max-age=60' },
    });
    expect(url).toBe(`${fixture.origin}/s3/forms`);
    const answer = await submit(url, fields, 'posted from a form', 'hello.txt');
    expect(answer.status).toBe(204);
    expect(answer.headers.get('etag')).toMatch(/^"[0-9a-f]{32}"$/);
    expect(answer.headers.get('location')).toBe(`${fixture.origin}/s3/forms/uploads/hello.txt`);
    const { answer: object, body } = await read('uploads/hello.txt');
    expect(body).toBe('posted from a form');
    expect(object).toMatchObject({
      ContentType: 'text/plain',
      CacheControl: 'max-age=60',
      Metadata: { colour: 'blue' },
      ETag: answer.headers.get('etag'),
    });
    const viaRest = await fixture.rest
      .get('/object/forms/uploads/hello.txt')
      .set('authorization', fixture.serviceBearer);
    expect(viaRest.text).toBe('posted from a form');
  });

  it('answers per success_action_status (201 with a PostResponse) or redirects with 303', async () => {
    const post = (extra: Fields, Key: string) =>
      presign(s3, { Key, Fields: extra }).then(({ url, fields }) => submit(url, fields, 'status'));
    const created = await post({ success_action_status: '201' }, 'status/201.txt');
    expect(created.status).toBe(201);
    expect(created.body).toContain('<Bucket>forms</Bucket><Key>status/201.txt</Key>');
    expect(created.body).toMatch(/<ETag>&quot;[0-9a-f]{32}&quot;<\/ETag>/);
    expect((await post({ success_action_status: '200' }, 'status/200.txt')).status).toBe(200);
    const redirected = await post(
      { success_action_redirect: 'https://app.example/done?x=1' },
      'status/303.txt',
    );
    expect(redirected.status).toBe(303);
    const location = new URL(redirected.headers.get('location') ?? '');
    expect(location.origin + location.pathname).toBe('https://app.example/done');
    expect(Object.fromEntries(location.searchParams)).toMatchObject({
      x: '1',
      bucket: 'forms',
      key: 'status/303.txt',
      etag: expect.stringMatching(/^"[0-9a-f]{32}"$/),
    });
    expect((await read('status/303.txt')).body).toBe('status');
  });
});

describe('browser POST uploads with a policy from minio', () => {
  it('stores the file within the policy minio signed', async () => {
    const minio = fixture.minio();
    const policy = minio.newPostPolicy();
    policy.setBucket('forms');
    policy.setKey('minio/form.txt');
    policy.setContentType('text/plain');
    policy.setContentLengthRange(1, 100);
    policy.setUserMetaData({ source: 'minio' });
    policy.setExpires(new Date(Date.now() + 60_000));
    const { postURL, formData } = await minio.presignedPostPolicy(policy);
    // minio builds the URL from its endpoint, which cannot carry the /s3 mount point.
    const url = new URL(postURL);
    url.pathname = `/s3${url.pathname}`;
    const answer = await submit(url.toString(), formData, 'via minio');
    expect(answer.status).toBe(204);
    expect(await read('minio/form.txt')).toMatchObject({
      body: 'via minio',
      answer: { ContentType: 'text/plain', Metadata: { source: 'minio' } },
    });
  });
});

describe('browser POST uploads that break their policy store nothing', () => {
  let before: string[];
  beforeAll(async () => {
    before = await filesUnder(fixture.root);
  });
  afterAll(async () => {
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'forms', Prefix: 'refused/' }));
    expect(listed.KeyCount).toBe(0);
    expect(await filesUnder(fixture.root)).toEqual(before);
  });

  const signed = (extra: Partial<PresignedPostOptions> = {}) =>
    presign(s3, {
      Key: `refused/${FILENAME}`,
      Conditions: [['content-length-range', 5, 10]],
      ...extra,
    });

  it('refuses a tampered policy with SignatureDoesNotMatch', async () => {
    const { url, fields } = await signed();
    const policy = JSON.parse(Buffer.from(fields.Policy ?? '', 'base64').toString());
    policy.conditions = policy.conditions.map((condition: unknown) =>
      Array.isArray(condition) && condition[0] === 'content-length-range'
        ? ['content-length-range', 0, 1e9]
        : condition,
    );
    const tampered = { ...fields, Policy: Buffer.from(JSON.stringify(policy)).toString('base64') };
    expect(await submit(url, tampered, 'much more than ten bytes')).toMatchObject({
      status: 403,
      code: 'SignatureDoesNotMatch',
    });
  });

  it('refuses a policy signed with another secret, or by an unknown key', async () => {
    const other = fixture.s3({ accessKeyId: 'stowage-test-key', secretAccessKey: 'not-the-secret' });
    const { url, fields } = await presign(other, { Key: `refused/${FILENAME}` });
    expect(await submit(url, fields, 'bytes')).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
    const stranger = fixture.s3({ accessKeyId: 'nobody', secretAccessKey: 'whatever' });
    const unknown = await presign(stranger, { Key: `refused/${FILENAME}` });
    expect(await submit(unknown.url, unknown.fields, 'bytes')).toMatchObject({
      status: 403,
      code: 'InvalidAccessKeyId',
    });
  });

  it('refuses an expired policy with AccessDenied', async () => {
    const { url, fields } = await signed({ Expires: -60 });
    const answer = await submit(url, fields, 'in time');
    expect(answer).toMatchObject({ status: 403, code: 'AccessDenied' });
    expect(answer.body).toContain('Policy expired');
  });

  it('refuses a key outside the signed prefix, and fields the policy does not name', async () => {
    const { url, fields } = await signed();
    expect(await submit(url, { ...fields, key: 'elsewhere/x.txt' }, 'bytes')).toMatchObject({
      status: 403,
      code: 'AccessDenied',
    });
    const extra = await submit(url, { ...fields, 'x-amz-meta-sneaky': 'yes' }, 'bytes');
    expect(extra).toMatchObject({ status: 403, code: 'AccessDenied' });
    expect(extra.body).toContain('Extra input fields: x-amz-meta-sneaky');
  });

  it('refuses a file outside content-length-range with EntityTooLarge or EntityTooSmall', async () => {
    const { url, fields } = await signed();
    expect(await submit(url, fields, 'x'.repeat(64 * 1024))).toMatchObject({
      status: 400,
      code: 'EntityTooLarge',
    });
    expect(await submit(url, fields, 'tiny')).toMatchObject({ status: 400, code: 'EntityTooSmall' });
  });

  it('refuses forms without a key, a policy or a file', async () => {
    const { url, fields } = await signed();
    const { key: _key, ...keyless } = fields;
    expect(await submit(url, keyless, 'bytes')).toMatchObject({ status: 400, code: 'InvalidArgument' });
    const { Policy: _policy, ...unsigned } = fields;
    expect(await submit(url, unsigned, 'bytes')).toMatchObject({ status: 403, code: 'AccessDenied' });
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    const fileless = await fetch(url, { method: 'POST', body: form });
    expect(fileless.status).toBe(400);
    expect(await fileless.text()).toContain('<Code>InvalidArgument</Code>');
  });

  it("applies the bucket's size limit whatever the policy allows", async () => {
    await fixture.rest
      .put('/bucket/forms')
      .set('authorization', fixture.serviceBearer)
      .send({ file_size_limit: 8 })
      .expect(200);
    const { url, fields } = await signed({ Conditions: [['content-length-range', 0, 1000]] });
    expect(await submit(url, fields, 'nine bytes')).toMatchObject({ status: 400, code: 'EntityTooLarge' });
    await fixture.rest
      .put('/bucket/forms')
      .set('authorization', fixture.serviceBearer)
      .send({ file_size_limit: null })
      .expect(200);
  });

  it("applies the bucket's MIME types", async () => {
    await fixture.rest
      .put('/bucket/forms')
      .set('authorization', fixture.serviceBearer)
      .send({ allowed_mime_types: ['image/*', 'text/plain'] })
      .expect(200);
    const { url, fields } = await signed({ Fields: { 'Content-Type': 'application/zip' } });
    expect(await submit(url, fields, 'zipped')).toMatchObject({ status: 400, code: 'InvalidArgument' });
    await fixture.rest
      .put('/bucket/forms')
      .set('authorization', fixture.serviceBearer)
      .send({ allowed_mime_types: null })
      .expect(200);
  });
});

describe("browser POST uploads under a user's policies (session token)", () => {
  const alice = '22222222-2222-4222-8222-222222222222';
  beforeAll(async () => {
    for (const policy of [
      sql`create policy "forms: read" on storage.objects for select to authenticated
        using (bucket_id = 'forms' and (storage.foldername(name))[1] = auth.uid()::text)`,
      sql`create policy "forms: write" on storage.objects for insert to authenticated
        with check (bucket_id = 'forms' and (storage.foldername(name))[1] = auth.uid()::text)`,
    ]) {
      await policy.execute(fixture.store.db);
    }
  });

  it('stores in the own folder and refuses, storing nothing, elsewhere', async () => {
    const user = fixture.s3(await fixture.userCredentials(alice));
    const mine = await presign(user, { Key: `${alice}/${FILENAME}` });
    expect(mine.fields['X-Amz-Security-Token']).toBeDefined();
    expect((await submit(mine.url, mine.fields, 'mine', 'a.txt')).status).toBe(204);
    expect((await read(`${alice}/a.txt`, user)).body).toBe('mine');
    const info = await fixture.rest
      .get(`/object/info/forms/${alice}/a.txt`)
      .set('authorization', fixture.serviceBearer);
    expect(info.body).toMatchObject({ name: `${alice}/a.txt` });
    const { rows } = await sql<{ owner: string }>`select owner::text from storage.objects
      where bucket_id = 'forms' and name = ${`${alice}/a.txt`}`.execute(fixture.store.db);
    expect(rows).toEqual([{ owner: alice }]);

    const before = await filesUnder(fixture.root);
    const theirs = await presign(user, { Key: `someone-else/${FILENAME}` });
    expect(await submit(theirs.url, theirs.fields, 'not mine')).toMatchObject({
      status: 403,
      code: 'AccessDenied',
    });
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'forms', Prefix: 'someone-else/' }));
    expect(listed.KeyCount).toBe(0);
    expect(await filesUnder(fixture.root)).toEqual(before);
  });
});
