import {
  CreateBucketCommand,
  DeleteBucketCommand,
  GetBucketLocationCommand,
  GetBucketVersioningCommand,
  HeadBucketCommand,
  ListBucketsCommand,
} from '@aws-sdk/client-s3';
import { sql } from 'kysely';
import { type S3ServerFixture, s3ServerFixture } from './support/s3-server-fixture';

let fixture: S3ServerFixture;
beforeAll(async () => {
  fixture = await s3ServerFixture();
});
afterAll(() => fixture.close());

const errorOf = async (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: { name?: string; code?: string; $metadata?: { httpStatusCode?: number } }) => error,
  );

describe('S3 buckets with @aws-sdk/client-s3', () => {
  it('creates, heads, lists, locates and deletes a bucket', async () => {
    const s3 = fixture.s3();
    await s3.send(new CreateBucketCommand({ Bucket: 'aws-bucket' }));
    await s3.send(new HeadBucketCommand({ Bucket: 'aws-bucket' }));
    const { Buckets } = await s3.send(new ListBucketsCommand({}));
    expect(Buckets?.map((bucket) => bucket.Name)).toContain('aws-bucket');
    expect(Buckets?.find((bucket) => bucket.Name === 'aws-bucket')?.CreationDate).toBeInstanceOf(Date);
    const location = await s3.send(new GetBucketLocationCommand({ Bucket: 'aws-bucket' }));
    expect(location.LocationConstraint ?? '').toBe('');
    const versioning = await s3.send(new GetBucketVersioningCommand({ Bucket: 'aws-bucket' }));
    expect(versioning.Status).toBeUndefined();
    await s3.send(new DeleteBucketCommand({ Bucket: 'aws-bucket' }));
    expect(await errorOf(s3.send(new HeadBucketCommand({ Bucket: 'aws-bucket' })))).toMatchObject({
      name: 'NotFound',
      $metadata: { httpStatusCode: 404 },
    });
  });

  it('answers BucketAlreadyOwnedByYou for a second create and NoSuchBucket for a missing one', async () => {
    const s3 = fixture.s3();
    await s3.send(new CreateBucketCommand({ Bucket: 'twice' }));
    expect(await errorOf(s3.send(new CreateBucketCommand({ Bucket: 'twice' })))).toMatchObject({
      name: 'BucketAlreadyOwnedByYou',
      $metadata: { httpStatusCode: 409 },
    });
    expect(await errorOf(s3.send(new DeleteBucketCommand({ Bucket: 'never-made' })))).toMatchObject({
      name: 'NoSuchBucket',
      $metadata: { httpStatusCode: 404 },
    });
  });

  it('shares buckets with the REST API', async () => {
    await fixture.s3().send(new CreateBucketCommand({ Bucket: 'shared' }));
    const response = await fixture.rest.get('/bucket/shared').set('authorization', fixture.serviceBearer);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: 'shared', name: 'shared', public: false });
    await fixture.rest
      .post('/bucket')
      .set('authorization', fixture.serviceBearer)
      .send({ name: 'from-rest' })
      .expect(200);
    await fixture.s3().send(new HeadBucketCommand({ Bucket: 'from-rest' }));
  });
});

describe('S3 buckets with minio', () => {
  it('makes, finds, lists and removes a bucket', async () => {
    const minio = fixture.minio();
    await minio.makeBucket('minio-bucket');
    expect(await minio.bucketExists('minio-bucket')).toBe(true);
    expect((await minio.listBuckets()).map((bucket) => bucket.name)).toContain('minio-bucket');
    expect(await minio.getBucketVersioning('minio-bucket')).toBe('');
    await minio.removeBucket('minio-bucket');
    expect(await minio.bucketExists('minio-bucket')).toBe(false);
  });
});

describe('S3 authentication', () => {
  it('refuses a wrong secret with SignatureDoesNotMatch and an unknown key with InvalidAccessKeyId', async () => {
    const wrongSecret = fixture.s3({ accessKeyId: 'stowage-test-key', secretAccessKey: 'not-the-secret' });
    expect(await errorOf(wrongSecret.send(new ListBucketsCommand({})))).toMatchObject({
      name: 'SignatureDoesNotMatch',
      $metadata: { httpStatusCode: 403 },
    });
    const unknown = fixture.s3({ accessKeyId: 'someone-else', secretAccessKey: 'whatever' });
    expect(await errorOf(unknown.send(new ListBucketsCommand({})))).toMatchObject({
      name: 'InvalidAccessKeyId',
      $metadata: { httpStatusCode: 403 },
    });
  });

  it('refuses an unsigned request with AccessDenied in S3 XML', async () => {
    const response = await fixture.rest.get('/s3/');
    expect(response.status).toBe(403);
    expect(response.headers['content-type']).toMatch(/^application\/xml/);
    expect(response.text).toContain('<Code>AccessDenied</Code>');
  });

  it('accepts a presigned URL and refuses it once expired', async () => {
    await fixture.s3().send(new CreateBucketCommand({ Bucket: 'presigned' }));
    const minio = fixture.minio();
    const fresh = await minio.presignedUrl('GET', 'presigned', '', 60, { location: '' });
    const url = (signed: string) =>
      `${fixture.origin}/s3${new URL(signed).pathname}${new URL(signed).search}`;
    const ok = await fetch(url(fresh));
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('<LocationConstraint');

    const stale = await minio.presignedUrl(
      'GET',
      'presigned',
      '',
      60,
      { location: '' },
      new Date(Date.now() - 120_000),
    );
    const expired = await fetch(url(stale));
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain('<Message>Request has expired</Message>');

    const tampered = await fetch(url(fresh).replace('presigned?', 'presigned?versioning=&'));
    expect(tampered.status).toBe(403);
    expect(await tampered.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
  });

  it('answers NotImplemented in XML for an operation it does not serve, never a 500', async () => {
    const minio = fixture.minio();
    await minio.makeBucket('not-implemented');
    const error = await errorOf(minio.getBucketPolicy('not-implemented'));
    expect(error).toMatchObject({ code: 'NotImplemented' });
  });
});

describe('S3 session-token mode', () => {
  const alice = '11111111-1111-4111-8111-111111111111';

  beforeAll(async () => {
    await fixture.s3().send(new CreateBucketCommand({ Bucket: 'alice-visible' }));
    await fixture.s3().send(new CreateBucketCommand({ Bucket: 'alice-hidden' }));
    await sql`create policy "alice sees hers" on storage.buckets for select to authenticated
      using (name like 'alice-visible%')`.execute(fixture.store.db);
  });

  it("runs under the user's policies: sees only what they allow, creates nothing they forbid", async () => {
    const s3 = fixture.s3(await fixture.userCredentials(alice));
    const { Buckets } = await s3.send(new ListBucketsCommand({}));
    expect(Buckets?.map((bucket) => bucket.Name)).toEqual(['alice-visible']);
    await s3.send(new HeadBucketCommand({ Bucket: 'alice-visible' }));
    expect(await errorOf(s3.send(new HeadBucketCommand({ Bucket: 'alice-hidden' })))).toMatchObject({
      $metadata: { httpStatusCode: 404 },
    });
    expect(await errorOf(s3.send(new CreateBucketCommand({ Bucket: 'alice-new' })))).toMatchObject({
      name: 'AccessDenied',
      $metadata: { httpStatusCode: 403 },
    });
  });

  it('refuses a session token that is not a valid JWT, and a secret other than the anon key', async () => {
    const forged = fixture.s3({
      accessKeyId: 'project-ref',
      secretAccessKey: fixture.anonKey,
      sessionToken: 'nope',
    });
    expect(await errorOf(forged.send(new ListBucketsCommand({})))).toMatchObject({
      name: 'AccessDenied',
      $metadata: { httpStatusCode: 403 },
    });
    const credentials = await fixture.userCredentials(alice);
    const wrong = fixture.s3({ ...credentials, secretAccessKey: 'not-the-anon-key' });
    expect(await errorOf(wrong.send(new ListBucketsCommand({})))).toMatchObject({
      name: 'SignatureDoesNotMatch',
    });
  });
});
