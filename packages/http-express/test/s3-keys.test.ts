import type { S3Client } from '@aws-sdk/client-s3';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import type { Response } from 'supertest';
import { dartPath } from './support/dart-requests';
import { matrixKeys, nearLimit } from './support/key-matrix';
import { type S3ServerFixture, s3ServerFixture } from './support/s3-server-fixture';

const Bucket = 'keys';
const folderOf = (key: string) => key.slice(0, key.lastIndexOf('/') + 1);
const bytesOf = (key: string, via: string) => Buffer.from(`${via} bytes of ${key}`);

/** Reads any response body as a Buffer, whatever its content type. */
const binary = (res: Response, done: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  const stream = res as unknown as NodeJS.ReadableStream;
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
};

let fixture: S3ServerFixture;
let s3: S3Client;
beforeAll(async () => {
  fixture = await s3ServerFixture();
  s3 = fixture.s3();
  await s3.send(new CreateBucketCommand({ Bucket }));
});
afterAll(() => fixture.close());

const restGet = (key: string) =>
  fixture.rest
    .get(`/object/authenticated/${Bucket}/${dartPath(key)}`)
    .set('authorization', fixture.serviceBearer)
    .buffer(true)
    .parse(binary);

const s3Bytes = async (Key: string) => {
  const answer = await s3.send(new GetObjectCommand({ Bucket, Key }));
  return Buffer.from((await answer.Body?.transformToByteArray()) ?? []);
};

describe.each(matrixKeys)('the key %s through /s3', (key) => {
  it('is written, read, headed and listed through /s3 and read through REST', async () => {
    const bytes = bytesOf(key, 's3');
    await s3.send(new PutObjectCommand({ Bucket, Key: key, Body: bytes }));
    expect(await s3Bytes(key)).toEqual(bytes);
    const head = await s3.send(new HeadObjectCommand({ Bucket, Key: key }));
    expect(head.ContentLength).toBe(bytes.length);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket, Prefix: folderOf(key) }));
    expect(listed.Contents?.map((entry) => entry.Key)).toContain(key);
    const rest = await restGet(key);
    expect(rest.status).toBe(200);
    expect(rest.body).toEqual(bytes);
  });

  it('is read through /s3 after a REST upload', async () => {
    const bytes = bytesOf(key, 'rest');
    const written = await fixture.rest
      .post(`/object/${Bucket}/${dartPath(key)}`)
      .set('authorization', fixture.serviceBearer)
      .set('x-upsert', 'true')
      .type('application/octet-stream')
      .send(bytes);
    expect(written.body).toEqual({ Key: `${Bucket}/${key}`, Id: expect.any(String) });
    expect(await s3Bytes(key)).toEqual(bytes);
  });

  it('is deleted through /s3, and REST no longer finds it', async () => {
    await s3.send(new DeleteObjectCommand({ Bucket, Key: key }));
    const rest = await restGet(key);
    expect(rest.status).toBe(400);
    expect(JSON.parse(rest.body.toString())).toMatchObject({ statusCode: '404', error: 'not_found' });
  });
});

describe('a key S3 cannot carry', () => {
  it('answers a 4xx to PutObject of a key one byte over 1024 and stores nothing', async () => {
    const key = nearLimit(122);
    const refused = await s3.send(new PutObjectCommand({ Bucket, Key: key, Body: 'x' })).then(
      () => undefined,
      (error: { name?: string; $metadata?: { httpStatusCode?: number } }) => error,
    );
    expect(refused?.$metadata?.httpStatusCode).toBeGreaterThanOrEqual(400);
    expect(refused?.$metadata?.httpStatusCode).toBeLessThan(500);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket, Prefix: folderOf(key) }));
    expect(listed.Contents ?? []).toEqual([]);
  });
});
