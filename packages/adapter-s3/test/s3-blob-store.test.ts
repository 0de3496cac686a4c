import { blobKey } from '@stowage/core';
import { Client } from 'minio';
import { S3BlobStore } from '../src';
import { bodyOf, bytes, md5Of, readAll } from './support/bytes';
import { type S3rverProcess, startS3rver } from './support/s3rver-process';

let s3rver: S3rverProcess;
let store: S3BlobStore;

beforeAll(async () => {
  s3rver = await startS3rver();
  store = new S3BlobStore(s3rver.options());
});
afterAll(() => s3rver.stop());

const rejectsWith = (code: string) => expect.objectContaining({ code, name: code });

describe('keys', () => {
  /** Another S3 client on the same bucket, as the reference server (or any tool) would write and read it. */
  const otherClient = () => {
    const { hostname, port } = new URL(s3rver.endpoint);
    const credentials = { accessKey: 'S3RVER', secretKey: 'S3RVER', region: 'us-east-1' };
    return new Client({
      endPoint: hostname,
      port: Number(port),
      useSSL: false,
      pathStyle: true,
      ...credentials,
    });
  };

  it('keeps a key as given inside the bucket, UTF-8 and all', async () => {
    const key = 'stub/avatars/über/灯泡 & co+%.jpeg/v1';
    await store.put(key, bodyOf(Buffer.from('hi')));
    expect((await readAll(await otherClient().getObject(s3rver.bucket, key))).toString()).toBe('hi');
  });

  it('serves a blob written under the reference layout <tenant>/<bucket>/<key>/<version>', async () => {
    const key = blobKey({ tenantId: 'stub', bucketId: 'avatars', key: 'folder/cat.png', version: 'a1b2' });
    await otherClient().putObject(s3rver.bucket, 'stub/avatars/folder/cat.png/a1b2', Buffer.from('meow'));
    expect((await readAll(await store.get(key))).toString()).toBe('meow');
  });

  it.each(['', 'a//b', '/a', 'a/', 'a/../b', 'a/./b', 'a\0b'])('refuses the key %j', async (key) => {
    await expect(store.put(key, bodyOf(Buffer.from('x')))).rejects.toEqual(rejectsWith('InvalidKey'));
    await expect(store.get(key)).rejects.toEqual(rejectsWith('InvalidKey'));
  });
});

describe('get', () => {
  it('streams a range of the blob', async () => {
    const data = bytes(10_000);
    await store.put('t/range/v1', bodyOf(data));
    const part = await readAll(await store.get('t/range/v1', { start: 100, end: 199 }));
    expect(part.equals(data.subarray(100, 200))).toBe(true);
  });

  it('rejects with NoSuchKey for a missing blob', async () => {
    await expect(store.get('t/missing/v1')).rejects.toEqual(rejectsWith('NoSuchKey'));
  });
});

describe('delete', () => {
  it('deletes many blobs in one batch, ignoring missing ones', async () => {
    const keys = Array.from({ length: 5 }, (_, i) => `t/delete/${i}/v1`);
    for (const key of keys) await store.put(key, bodyOf(Buffer.from(key)));
    await store.delete([...keys, 't/delete/missing/v1']);
    for (const key of keys) await expect(store.head(key)).resolves.toBeUndefined();
  });
});

describe('copy', () => {
  it('copies on the server, keeping size and content', async () => {
    const data = bytes(3000);
    await store.put('t/copy/source/v1', bodyOf(data));
    await expect(store.copy('t/copy/source/v1', 't/copy/target/v1')).resolves.toEqual({
      size: 3000,
      etag: md5Of(data),
    });
    expect((await readAll(await store.get('t/copy/target/v1'))).equals(data)).toBe(true);
  });

  it('rejects with NoSuchKey when the source is missing', async () => {
    await expect(store.copy('t/copy/missing/v1', 't/copy/x/v1')).rejects.toEqual(rejectsWith('NoSuchKey'));
  });
});

describe('multipart uploads', () => {
  it('assembles uploaded parts, with the multipart ETag S3 gives', async () => {
    const [one, two] = [bytes(5 * 1024 * 1024), bytes(1000)];
    const uploadId = await store.createMultipartUpload('t/mp/ok/v1');
    const first = await store.uploadPart('t/mp/ok/v1', uploadId, 1, bodyOf(one));
    const second = await store.uploadPart('t/mp/ok/v1', uploadId, 2, bodyOf(two));
    expect(first).toEqual({ size: one.length, etag: md5Of(one) });
    const parts = [
      { partNumber: 1, etag: first.etag },
      { partNumber: 2, etag: second.etag },
    ];
    const blob = await store.completeMultipartUpload('t/mp/ok/v1', uploadId, parts);
    expect(blob.size).toBe(one.length + two.length);
    expect(blob.etag).toMatch(/^[0-9a-f]{32}-2$/);
    expect((await readAll(await store.get('t/mp/ok/v1'))).equals(Buffer.concat([one, two]))).toBe(true);
  });

  it('refuses a part that was never uploaded with InvalidRequest, and the server stays up', async () => {
    const uploadId = await store.createMultipartUpload('t/mp/gap/v1');
    const first = await store.uploadPart('t/mp/gap/v1', uploadId, 1, bodyOf(Buffer.from('a')));
    const parts = [
      { partNumber: 1, etag: first.etag },
      { partNumber: 2, etag: first.etag },
    ];
    await expect(store.completeMultipartUpload('t/mp/gap/v1', uploadId, parts)).rejects.toEqual(
      rejectsWith('InvalidRequest'),
    );
    expect(s3rver.running()).toBe(true);
    await store.abortMultipartUpload('t/mp/gap/v1', uploadId);
  });

  it('rejects with NoSuchUpload once aborted, and aborting again is no error', async () => {
    const uploadId = await store.createMultipartUpload('t/mp/aborted/v1');
    const part = await store.uploadPart('t/mp/aborted/v1', uploadId, 1, bodyOf(Buffer.from('a')));
    await store.abortMultipartUpload('t/mp/aborted/v1', uploadId);
    await store.abortMultipartUpload('t/mp/aborted/v1', uploadId);
    await expect(
      store.completeMultipartUpload('t/mp/aborted/v1', uploadId, [{ partNumber: 1, etag: part.etag }]),
    ).rejects.toEqual(rejectsWith('NoSuchUpload'));
    expect(await s3rver.unfinishedUploads()).not.toContain(uploadId);
  });

  it('refuses part numbers outside 1–10000', async () => {
    const uploadId = await store.createMultipartUpload('t/mp/numbers/v1');
    for (const partNumber of [0, 10_001, 1.5]) {
      await expect(
        store.uploadPart('t/mp/numbers/v1', uploadId, partNumber, bodyOf(Buffer.from('a'))),
      ).rejects.toEqual(rejectsWith('InvalidRequest'));
    }
    await store.abortMultipartUpload('t/mp/numbers/v1', uploadId);
  });
});
