import {
  createBucket,
  createSignedUploadUrl,
  createSignedUrl,
  createSignedUrls,
  findSignedObject,
  uploadObject,
  uploadToSignedUrl,
} from '../src';
import { asUser, body, makeContext, service } from './use-case-fixture';

async function withObject() {
  const fixture = makeContext();
  await createBucket(fixture.context, service, { name: 'b' });
  await uploadObject(fixture.context, service, {
    bucketId: 'b',
    key: 'dir/a b.txt',
    body: body('hello'),
    contentType: 'text/plain',
    cacheControl: 'no-cache',
    userMetadata: null,
    upsert: false,
  });
  return fixture;
}

describe('signed download URLs', () => {
  it('serve the signed object, also when the path arrives encoded once more', async () => {
    const { context } = await withObject();
    const token = await createSignedUrl(context, service, 'b', 'dir/a b.txt', 60);
    const { object } = await findSignedObject(context, service, token, 'b/dir/a b.txt');
    expect(object.name).toBe('dir/a b.txt');
    await expect(findSignedObject(context, service, token, 'b/dir/a%20b.txt')).resolves.toBeDefined();
  });

  it('refuse another path, another scope and an expired token', async () => {
    const { context, tokens } = await withObject();
    const token = await createSignedUrl(context, service, 'b', 'dir/a b.txt', 60);
    await expect(findSignedObject(context, service, token, 'b/other.txt')).rejects.toMatchObject({
      code: 'InvalidSignature',
    });
    const upload = await createSignedUploadUrl(context, service, 'b', 'new.txt', false);
    await expect(findSignedObject(context, service, upload, 'b/new.txt')).rejects.toMatchObject({
      code: 'InvalidSignature',
    });
    const later = Date.now() + 61_000;
    tokens.now = () => later;
    await expect(findSignedObject(context, service, token, 'b/dir/a b.txt')).rejects.toMatchObject({
      code: 'ExpiredToken',
    });
  });

  it('sign in batch, with null for what cannot be read', async () => {
    const { context } = await withObject();
    const results = await createSignedUrls(context, service, 'b', ['dir/a b.txt', 'missing.txt'], 60);
    expect(results[0]?.token).toEqual(expect.any(String));
    expect(results[1]).toEqual({ path: 'missing.txt', token: null });
  });
});

describe('signed upload URLs', () => {
  it('upload once with the token owner, and refuse to overwrite without upsert', async () => {
    const { context } = await withObject();
    const owner = '6f1d6c5e-4b1a-4a39-9d57-3d3c6a0b9e11';
    const token = await createSignedUploadUrl(context, asUser(owner), 'b', 'up.txt', false);
    const input = {
      token,
      requestedPath: 'b/up.txt',
      body: body('signed'),
      contentType: 'text/plain',
      cacheControl: 'no-cache',
      userMetadata: null,
    };
    const object = await uploadToSignedUrl(context, service, input);
    expect(object).toMatchObject({ name: 'up.txt', owner, ownerId: owner });
    await expect(
      uploadToSignedUrl(context, service, { ...input, body: body('again') }),
    ).rejects.toMatchObject({
      code: 'KeyAlreadyExists',
    });
  });

  it('store the cache control and metadata known once the body has ended, not when it started', async () => {
    const { context } = await withObject();
    const token = await createSignedUploadUrl(context, service, 'b', 'late.txt', false);
    const late = { cacheControl: 'no-cache', userMetadata: null as Record<string, unknown> | null };
    const bytes = body('late fields');
    bytes.on('end', () => {
      late.cacheControl = 'max-age=90';
      late.userMetadata = { order: 'after' };
    });
    const object = await uploadToSignedUrl(context, service, {
      token,
      requestedPath: 'b/late.txt',
      body: bytes,
      contentType: 'text/plain',
      get cacheControl() {
        return late.cacheControl;
      },
      get userMetadata() {
        return late.userMetadata;
      },
    });
    expect(object).toMatchObject({
      metadata: { cacheControl: 'max-age=90' },
      userMetadata: { order: 'after' },
    });
  });
});
