import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { type S3ServerFixture, s3ServerFixture } from './support/s3-server-fixture';

const MiB = 2 ** 20;
const B = 'multipart';

let fixture: S3ServerFixture;
let s3: S3Client;
beforeAll(async () => {
  fixture = await s3ServerFixture();
  s3 = fixture.s3();
  await s3.send(new CreateBucketCommand({ Bucket: B }));
});
afterAll(() => fixture.close());

const errorOf = async (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: { name?: string; $metadata?: { httpStatusCode?: number } }) => error,
  );

const md5 = (data: Buffer) => createHash('md5').update(data).digest();
const multipartEtag = (parts: Buffer[]) =>
  `"${createHash('md5')
    .update(Buffer.concat(parts.map(md5)))
    .digest('hex')}-${parts.length}"`;

async function bytesOf(client: S3Client, Key: string): Promise<Buffer> {
  const answer = await client.send(new GetObjectCommand({ Bucket: B, Key }));
  return Buffer.from(
    await (answer.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
  );
}

const start = async (Key: string, extra: Record<string, unknown> = {}) =>
  (await s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key, ...extra }))).UploadId ?? '';

const part = (client: S3Client, Key: string, UploadId: string, PartNumber: number, Body: Buffer) =>
  client.send(new UploadPartCommand({ Bucket: B, Key, UploadId, PartNumber, Body }));

describe('multipart uploads with @aws-sdk/client-s3', () => {
  it('uploads parts, lists them and the upload, completes into the object with S3’s ETag', async () => {
    const one = Buffer.alloc(5 * MiB, 'a');
    const two = Buffer.from('the last part');
    const UploadId = await start('big/assembled.bin', {
      ContentType: 'application/x-big',
      Metadata: { kind: 'big' },
    });
    const first = await part(s3, 'big/assembled.bin', UploadId, 1, one);
    const second = await part(s3, 'big/assembled.bin', UploadId, 2, two);
    expect(first.ETag).toBe(`"${md5(one).toString('hex')}"`);

    const { Parts } = await s3.send(new ListPartsCommand({ Bucket: B, Key: 'big/assembled.bin', UploadId }));
    expect(Parts?.map((entry) => [entry.PartNumber, entry.ETag, entry.Size])).toEqual([
      [1, first.ETag, one.length],
      [2, second.ETag, two.length],
    ]);
    const { Uploads } = await s3.send(new ListMultipartUploadsCommand({ Bucket: B, Prefix: 'big/' }));
    expect(Uploads?.map((upload) => [upload.Key, upload.UploadId])).toEqual([
      ['big/assembled.bin', UploadId],
    ]);

    const done = await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: B,
        Key: 'big/assembled.bin',
        UploadId,
        MultipartUpload: {
          Parts: [
            { PartNumber: 1, ETag: first.ETag },
            { PartNumber: 2, ETag: second.ETag },
          ],
        },
      }),
    );
    expect(done.ETag).toBe(multipartEtag([one, two]));
    expect((await bytesOf(s3, 'big/assembled.bin')).equals(Buffer.concat([one, two]))).toBe(true);
    const head = await s3.send(
      new GetObjectCommand({ Bucket: B, Key: 'big/assembled.bin', Range: 'bytes=0-0' }),
    );
    expect(head).toMatchObject({ ContentType: 'application/x-big', Metadata: { kind: 'big' } });
    const { Uploads: after } = await s3.send(new ListMultipartUploadsCommand({ Bucket: B, Prefix: 'big/' }));
    expect(after ?? []).toEqual([]);
    const viaRest = await fixture.rest
      .get(`/object/info/${B}/big/assembled.bin`)
      .set('authorization', fixture.serviceBearer);
    expect(viaRest.body).toMatchObject({ size: one.length + two.length });
  });

  it('copies parts from an existing object, whole or a range', async () => {
    const source = Buffer.alloc(6 * MiB, 'c');
    await s3.send(new PutObjectCommand({ Bucket: B, Key: 'copy/source.bin', Body: source }));
    const UploadId = await start('copy/target.bin');
    const first = await s3.send(
      new UploadPartCopyCommand({
        Bucket: B,
        Key: 'copy/target.bin',
        UploadId,
        PartNumber: 1,
        CopySource: `${B}/copy/source.bin`,
        CopySourceRange: `bytes=0-${5 * MiB - 1}`,
      }),
    );
    const second = await s3.send(
      new UploadPartCopyCommand({
        Bucket: B,
        Key: 'copy/target.bin',
        UploadId,
        PartNumber: 2,
        CopySource: `${B}/copy/source.bin`,
      }),
    );
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: B,
        Key: 'copy/target.bin',
        UploadId,
        MultipartUpload: {
          Parts: [
            { PartNumber: 1, ETag: first.CopyPartResult?.ETag },
            { PartNumber: 2, ETag: second.CopyPartResult?.ETag },
          ],
        },
      }),
    );
    const bytes = await bytesOf(s3, 'copy/target.bin');
    expect(bytes.length).toBe(11 * MiB);
    expect(bytes.equals(Buffer.concat([source.subarray(0, 5 * MiB), source]))).toBe(true);
  });

  it('copies a part only when the x-amz-copy-source-if-* conditions hold (412 otherwise)', async () => {
    const { ETag } = await s3.send(new PutObjectCommand({ Bucket: B, Key: 'copy/cond.bin', Body: 'cond' }));
    const UploadId = await start('copy/cond-target.bin');
    const copyPart = (PartNumber: number, conditions: Record<string, unknown>) =>
      s3.send(
        new UploadPartCopyCommand({
          Bucket: B,
          Key: 'copy/cond-target.bin',
          UploadId,
          PartNumber,
          CopySource: `${B}/copy/cond.bin`,
          ...conditions,
        }),
      );
    const refused = { name: 'PreconditionFailed', $metadata: { httpStatusCode: 412 } };
    expect(await errorOf(copyPart(1, { CopySourceIfMatch: '"0123"' }))).toMatchObject(refused);
    expect(await errorOf(copyPart(1, { CopySourceIfNoneMatch: ETag }))).toMatchObject(refused);
    expect(
      await errorOf(copyPart(1, { CopySourceIfModifiedSince: new Date(Date.now() + 3_600_000) })),
    ).toMatchObject(refused);
    expect(
      await errorOf(copyPart(1, { CopySourceIfUnmodifiedSince: new Date(Date.now() - 3_600_000) })),
    ).toMatchObject(refused);
    const { Parts: none } = await s3.send(
      new ListPartsCommand({ Bucket: B, Key: 'copy/cond-target.bin', UploadId }),
    );
    expect(none ?? []).toEqual([]);
    await copyPart(2, {
      CopySourceIfMatch: ETag,
      CopySourceIfModifiedSince: new Date(Date.now() - 3_600_000),
    });
    const { Parts } = await s3.send(
      new ListPartsCommand({ Bucket: B, Key: 'copy/cond-target.bin', UploadId }),
    );
    expect(Parts?.map((each) => each.PartNumber)).toEqual([2]);
    await s3.send(new AbortMultipartUploadCommand({ Bucket: B, Key: 'copy/cond-target.bin', UploadId }));
  });

  it('refuses wrong ETags, parts out of order and small middle parts, keeping the upload', async () => {
    const UploadId = await start('refused.bin');
    const one = await part(s3, 'refused.bin', UploadId, 1, Buffer.from('small'));
    const two = await part(s3, 'refused.bin', UploadId, 2, Buffer.from('also small'));
    const complete = (Parts: { PartNumber: number; ETag?: string }[]) =>
      errorOf(
        s3.send(
          new CompleteMultipartUploadCommand({
            Bucket: B,
            Key: 'refused.bin',
            UploadId,
            MultipartUpload: { Parts },
          }),
        ),
      );
    expect(await complete([{ PartNumber: 1, ETag: '"0000"' }])).toMatchObject({
      name: 'InvalidPart',
      $metadata: { httpStatusCode: 400 },
    });
    expect(await complete([{ PartNumber: 3, ETag: one.ETag }])).toMatchObject({ name: 'InvalidPart' });
    expect(
      await complete([
        { PartNumber: 2, ETag: two.ETag },
        { PartNumber: 1, ETag: one.ETag },
      ]),
    ).toMatchObject({ name: 'InvalidPartOrder' });
    expect(
      await complete([
        { PartNumber: 1, ETag: one.ETag },
        { PartNumber: 2, ETag: two.ETag },
      ]),
    ).toMatchObject({ name: 'EntityTooSmall' });
    expect(await complete([{ PartNumber: 2, ETag: two.ETag }])).toBeUndefined();
    expect((await bytesOf(s3, 'refused.bin')).toString()).toBe('also small');
  });

  it('completes an upload once when two completions race: the other finds NoSuchUpload', async () => {
    const one = Buffer.alloc(5 * MiB, 'r');
    const two = Buffer.from('raced');
    for (const client of [s3, await fixture.secondInstance()]) {
      const Key = `race/${client === s3 ? 'one' : 'two'}-instance.bin`;
      const UploadId = await start(Key);
      const Parts = [
        { PartNumber: 1, ETag: (await part(s3, Key, UploadId, 1, one)).ETag },
        { PartNumber: 2, ETag: (await part(s3, Key, UploadId, 2, two)).ETag },
      ];
      const complete = () =>
        client.send(
          new CompleteMultipartUploadCommand({ Bucket: B, Key, UploadId, MultipartUpload: { Parts } }),
        );
      const outcomes = await Promise.allSettled([
        s3.send(new CompleteMultipartUploadCommand({ Bucket: B, Key, UploadId, MultipartUpload: { Parts } })),
        complete(),
      ]);
      const won = outcomes.filter((outcome) => outcome.status === 'fulfilled');
      const lost = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []));
      expect(won).toHaveLength(1);
      expect(lost).toEqual([expect.objectContaining({ name: 'NoSuchUpload' })]);
      expect(won[0]?.value.ETag).toBe(multipartEtag([one, two]));
      expect(Buffer.compare(await bytesOf(s3, Key), Buffer.concat([one, two]))).toBe(0);
    }
  });

  it('answers upload ids and listing arguments no upload can have with S3 errors, not a 500', async () => {
    const Key = 'bad/arguments.bin';
    const UploadId = 'no\u0000such';
    // Each failure is caught as it is sent: one left unhandled until the loop reached it could reject
    // first and fail the test as an unhandled rejection.
    const failures = await Promise.all(
      [
        s3.send(new ListPartsCommand({ Bucket: B, Key, UploadId })),
        s3.send(new AbortMultipartUploadCommand({ Bucket: B, Key, UploadId })),
        part(s3, Key, UploadId, 1, Buffer.from('x')),
        s3.send(
          new CompleteMultipartUploadCommand({
            Bucket: B,
            Key,
            UploadId,
            MultipartUpload: { Parts: [{ PartNumber: 1, ETag: '"e"' }] },
          }),
        ),
      ].map(errorOf),
    );
    for (const failure of failures) {
      expect(failure).toMatchObject({
        name: 'NoSuchUpload',
        $metadata: { httpStatusCode: 404 },
      });
    }
    for (const query of [
      { Prefix: 'a\u0000' },
      { KeyMarker: 'a\u0000' },
      { KeyMarker: 'a', UploadIdMarker: 'x\u0000' },
    ]) {
      expect(await errorOf(s3.send(new ListMultipartUploadsCommand({ Bucket: B, ...query })))).toMatchObject({
        name: 'InvalidArgument',
        $metadata: { httpStatusCode: 400 },
      });
    }
  });

  it('aborts an upload: its parts and the upload are gone', async () => {
    const UploadId = await start('aborted.bin');
    await part(s3, 'aborted.bin', UploadId, 1, Buffer.from('part'));
    await s3.send(new AbortMultipartUploadCommand({ Bucket: B, Key: 'aborted.bin', UploadId }));
    expect(await errorOf(part(s3, 'aborted.bin', UploadId, 2, Buffer.from('late')))).toMatchObject({
      name: 'NoSuchUpload',
      $metadata: { httpStatusCode: 404 },
    });
    expect(
      await errorOf(s3.send(new ListPartsCommand({ Bucket: B, Key: 'aborted.bin', UploadId }))),
    ).toMatchObject({
      name: 'NoSuchUpload',
    });
    expect(await errorOf(s3.send(new GetObjectCommand({ Bucket: B, Key: 'aborted.bin' })))).toMatchObject({
      name: 'NoSuchKey',
    });
  });

  it('continues on another server instance an upload one instance started', async () => {
    const other = await fixture.secondInstance();
    const one = Buffer.alloc(5 * MiB, 'x');
    const UploadId = await start('instances.bin');
    const first = await part(s3, 'instances.bin', UploadId, 1, one);
    const second = await part(other, 'instances.bin', UploadId, 2, Buffer.from('y'));
    await other.send(
      new CompleteMultipartUploadCommand({
        Bucket: B,
        Key: 'instances.bin',
        UploadId,
        MultipartUpload: {
          Parts: [
            { PartNumber: 1, ETag: first.ETag },
            { PartNumber: 2, ETag: second.ETag },
          ],
        },
      }),
    );
    expect((await bytesOf(s3, 'instances.bin')).length).toBe(5 * MiB + 1);
  });

  it("keeps users out of each other's uploads (session-token mode)", async () => {
    const UploadId = await start('service-owned.bin');
    const user = fixture.s3(await fixture.userCredentials('11111111-1111-4111-8111-111111111111'));
    expect(
      await errorOf(part(user, 'service-owned.bin', UploadId, 1, Buffer.from('intruder'))),
    ).toMatchObject({
      name: 'NoSuchUpload',
    });
    const { Uploads } = await user.send(new ListMultipartUploadsCommand({ Bucket: B }));
    expect(Uploads ?? []).toEqual([]);
  });
});

describe('multipart uploads with minio', () => {
  it('puts a stream larger than a part as a multipart upload, and lists and removes incomplete ones', async () => {
    const minio = fixture.minio(undefined, 5 * MiB);
    const body = Buffer.alloc(11 * MiB + 3, 'm');
    const { etag } = await minio.putObject(B, 'minio/big.bin', Readable.from([body]), body.length);
    expect(etag).toMatch(/^[0-9a-f]{32}-\d+$/);
    expect((await bytesOf(s3, 'minio/big.bin')).equals(body)).toBe(true);

    const uploadId = await minio.initiateNewMultipartUpload(B, 'minio/left.bin', {});
    const incomplete = () =>
      new Promise<string[][]>((resolve, reject) => {
        const items: string[][] = [];
        minio
          .listIncompleteUploads(B, 'minio/', true)
          .on('data', (item) => items.push([item.key, item.uploadId]))
          .on('end', () => resolve(items))
          .on('error', reject);
      });
    expect(await incomplete()).toEqual([['minio/left.bin', uploadId]]);
    await minio.removeIncompleteUpload(B, 'minio/left.bin');
    expect(await incomplete()).toEqual([]);
  });
});
