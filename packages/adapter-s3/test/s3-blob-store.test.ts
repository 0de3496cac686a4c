import { blobKey } from '@stowage/core';
import { blobStoreContract } from '@stowage/core/testing';
import { Client } from 'minio';
import { S3BlobStore } from '../src';
import { type S3rverProcess, startRequestCounter, startS3rver } from '../src/testing';
import { bodyOf, readAll } from './support/bytes';

// The whole contract, 1 GiB large object included (about 40 s against s3rver on two cores).
blobStoreContract('S3BlobStore on s3rver', async () => {
  const server = await startS3rver();
  return { store: new S3BlobStore(server.options()), cleanup: () => server.stop() };
});

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

describe('head', () => {
  it('describes a folder of keys, across listing pages, with a ListObjects request per 1,000 keys', async () => {
    const keys = Array.from({ length: 1100 }, (_, i) => `t/listed/${String(i).padStart(4, '0')}/v1`);
    const queue = [...keys];
    const putNext = async (): Promise<void> => {
      for (let next = queue.shift(); next; next = queue.shift())
        await store.put(next, bodyOf(Buffer.from(next)));
    };
    await Promise.all(Array.from({ length: 16 }, putNext));
    const asked = [
      ...keys.filter((_, i) => i % 3 !== 0),
      't/listed/0500/v2',
      't/listed/9999/v1',
      't/listed/-/v1',
    ];
    const counter = await startRequestCounter(s3rver.endpoint);
    try {
      const listing = new S3BlobStore(s3rver.options({ endpoint: counter.endpoint }));
      const heads = await listing.headMany(asked);
      expect(counter.take()).toEqual({ 'GET bucket ?delimiter&encoding-type&marker&max-keys&prefix': 2 });
      expect(heads.map((head) => head?.size)).toEqual(
        asked.map((key) =>
          key.endsWith('/v1') && key !== 't/listed/9999/v1' && key !== 't/listed/-/v1'
            ? key.length
            : undefined,
        ),
      );
    } finally {
      await counter.close();
    }
  });

  it('asks whether the bucket exists once, not after every object it finds missing', async () => {
    const counter = await startRequestCounter(s3rver.endpoint);
    try {
      const probing = new S3BlobStore(s3rver.options({ endpoint: counter.endpoint }));
      for (const name of ['a', 'b', 'c', 'd'])
        await expect(probing.head(`t/absent/${name}/v1`)).resolves.toBeUndefined();
      expect(counter.take()).toEqual({ 'HEAD object': 4, 'HEAD bucket': 1 });
    } finally {
      await counter.close();
    }
  });
});
