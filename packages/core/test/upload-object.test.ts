import { createBucket, findReadableObject, readObject, type StorageContext, uploadObject } from '../src';
import { body, failingBody, makeContext, readAll, service } from './use-case-fixture';

const upload = (context: StorageContext, key: string, content: ReturnType<typeof body>, upsert = false) =>
  uploadObject(context, service, {
    bucketId: 'b',
    key,
    body: content,
    contentType: 'text/plain',
    cacheControl: 'no-cache',
    userMetadata: null,
    upsert,
  });

const contentOf = async (context: StorageContext, key: string) =>
  readAll(await readObject(context, await findReadableObject(context, service, 'authenticated', 'b', key)));

describe('upload', () => {
  it('stores the bytes with their size, md5 ETag and type', async () => {
    const { context } = makeContext();
    await createBucket(context, service, { name: 'b' });
    const object = await upload(context, 'über/灯泡.txt', body('hello'));
    expect(object.metadata).toMatchObject({
      size: 5,
      eTag: '"5d41402abc4b2a76b9719d911017c592"',
      mimetype: 'text/plain',
    });
    expect(await contentOf(context, 'über/灯泡.txt')).toBe('hello');
  });

  it('refuses a second upload without upsert and keeps the first', async () => {
    const { context, blobs } = makeContext();
    await createBucket(context, service, { name: 'b' });
    await upload(context, 'a.txt', body('first'));
    await expect(upload(context, 'a.txt', body('second'))).rejects.toMatchObject({
      code: 'KeyAlreadyExists',
    });
    expect(await contentOf(context, 'a.txt')).toBe('first');
    expect(await blobs.surviving()).toHaveLength(1);
  });

  it('replaces with upsert and deletes the replaced version', async () => {
    const { context, blobs } = makeContext();
    await createBucket(context, service, { name: 'b' });
    await upload(context, 'a.txt', body('first'));
    await upload(context, 'a.txt', body('second'), true);
    expect(await contentOf(context, 'a.txt')).toBe('second');
    expect(await blobs.surviving()).toHaveLength(1);
  });

  it('leaves the existing object intact and no blob behind when the body fails', async () => {
    const { context, blobs } = makeContext();
    await createBucket(context, service, { name: 'b' });
    await upload(context, 'a.txt', body('first'));
    await expect(upload(context, 'a.txt', failingBody(), true)).rejects.toThrow('client aborted');
    expect(await contentOf(context, 'a.txt')).toBe('first');
    expect(await blobs.surviving()).toHaveLength(1);
  });

  it('enforces the bucket limit on the bytes, whatever was announced', async () => {
    const { context, blobs } = makeContext();
    await createBucket(context, service, { name: 'b', fileSizeLimit: '4B' });
    await expect(upload(context, 'a.txt', body('hello'))).rejects.toMatchObject({ code: 'EntityTooLarge' });
    await expect(findReadableObject(context, service, 'authenticated', 'b', 'a.txt')).rejects.toMatchObject({
      code: 'NoSuchKey',
    });
    expect(await blobs.surviving()).toHaveLength(0);
  });

  it('enforces the global limit too', async () => {
    const { context } = makeContext({ uploadFileSizeLimit: 3 });
    await createBucket(context, service, { name: 'b' });
    await expect(upload(context, 'a.txt', body('hello'))).rejects.toMatchObject({ code: 'EntityTooLarge' });
  });

  it('refuses a type outside the bucket allow-list before storing a byte', async () => {
    const { context, blobs } = makeContext();
    await createBucket(context, service, { name: 'b', allowedMimeTypes: ['image/*'] });
    await expect(upload(context, 'a.txt', body('hello'))).rejects.toMatchObject({
      code: 'InvalidMimeType',
      message: 'mime type text/plain is not supported',
    });
    expect(blobs.written).toHaveLength(0);
  });

  it('lets exactly one of two racing uploads of a new key win', async () => {
    const { context, blobs } = makeContext();
    await createBucket(context, service, { name: 'b' });
    const results = await Promise.allSettled([
      upload(context, 'a.txt', body('one')),
      upload(context, 'a.txt', body('two')),
    ]);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((result) => result.status === 'rejected')).toMatchObject({
      reason: expect.objectContaining({ code: 'KeyAlreadyExists' }),
    });
    expect(await blobs.surviving()).toHaveLength(1);
  });

  it('refuses a missing bucket and invalid keys', async () => {
    const { context } = makeContext();
    await expect(upload(context, 'a.txt', body('x'))).rejects.toMatchObject({ code: 'NoSuchBucket' });
    await createBucket(context, service, { name: 'b' });
    await expect(upload(context, '../a.txt', body('x'))).rejects.toMatchObject({ code: 'InvalidKey' });
  });
});
