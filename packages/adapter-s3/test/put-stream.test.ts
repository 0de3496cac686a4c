import { Readable } from 'node:stream';
import { S3BlobStore } from '../src';
import { multipartEtag } from '../src/multipart-etag';
import { type S3rverProcess, startRequestCounter, startS3rver } from '../src/testing';
import { bodyOf, bytes, md5Of, readAll } from './support/bytes';

const PART = 5 * 1024 * 1024;

let s3rver: S3rverProcess;
let store: S3BlobStore;

beforeAll(async () => {
  s3rver = await startS3rver();
  store = new S3BlobStore(s3rver.options({ partSize: PART }));
});
afterAll(() => s3rver.stop());

const until = async (condition: () => Promise<boolean>): Promise<void> => {
  for (let waited = 0; !(await condition()); waited += 20) {
    if (waited > 10_000) throw new Error('condition not met within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe('put', () => {
  it.each([
    ['an empty body', 0],
    ['a body one byte short of a part', PART - 1],
    ['a body of exactly one part', PART],
    ['a body one byte over a part', PART + 1],
    ['a body of several parts', 2 * PART + 12_345],
  ])('stores %s whole, with its size, content MD5 and S3’s ETag', async (_, size) => {
    const data = bytes(size);
    const key = `t/put/${size}/v1`;
    const parts = Array.from({ length: Math.ceil(size / PART) }, (_, i) =>
      md5Of(data.subarray(i * PART, (i + 1) * PART)),
    );
    const storedEtag = size < PART ? md5Of(data) : multipartEtag(parts);
    await expect(store.put(key, bodyOf(data))).resolves.toEqual({ size, etag: md5Of(data), storedEtag });
    expect((await readAll(await store.get(key))).equals(data)).toBe(true);
    expect((await store.head(key))?.size).toBe(size);
  });

  it('sends a body shorter than a part as one PUT, starting no multipart upload', async () => {
    const counter = await startRequestCounter(s3rver.endpoint);
    try {
      const direct = new S3BlobStore(s3rver.options({ partSize: PART, endpoint: counter.endpoint }));
      await direct.put('t/put/one-request/v1', bodyOf(bytes(PART - 1)));
      expect(counter.take()).toEqual({ 'PUT object': 1 });
    } finally {
      await counter.close();
    }
  });

  it('streams a body longer than one part through a multipart upload, part by part', async () => {
    const first = bytes(PART + 100);
    const rest = bytes(PART);
    let release = (): void => undefined;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const body = Readable.from(
      (async function* () {
        yield first;
        await released;
        yield rest;
      })(),
    );
    const before = await s3rver.unfinishedUploads();
    const put = store.put('t/put/streamed/v1', body);
    // The first part reaches S3 while the body is still waiting for its second half.
    await until(async () => (await s3rver.unfinishedUploads()).length > before.length);
    release();
    await expect(put).resolves.toMatchObject({
      size: 2 * PART + 100,
      etag: md5Of(Buffer.concat([first, rest])),
    });
    expect(await s3rver.unfinishedUploads()).toEqual(before);
  });

  it('aborts the multipart upload when the body fails, leaving no object and no parts', async () => {
    const failure = new Error('client went away');
    const body = Readable.from(
      (async function* () {
        yield bytes(2 * PART + 1);
        throw failure;
      })(),
    );
    const before = await s3rver.unfinishedUploads();
    await expect(store.put('t/put/failed/v1', body)).rejects.toBe(failure);
    expect(await s3rver.unfinishedUploads()).toEqual(before);
    await expect(store.head('t/put/failed/v1')).resolves.toBeUndefined();
  });

  it('leaves nothing when a body shorter than a part fails', async () => {
    const failure = new Error('client went away');
    const body = Readable.from(
      (async function* () {
        yield bytes(1000);
        throw failure;
      })(),
    );
    await expect(store.put('t/put/failed-small/v1', body)).rejects.toBe(failure);
    await expect(store.head('t/put/failed-small/v1')).resolves.toBeUndefined();
  });
});
