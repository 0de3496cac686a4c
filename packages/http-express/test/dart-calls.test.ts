import type { Response } from 'supertest';
import { dartForm, dartPath } from './support/dart-requests';
import { blobBackends, type StorageAppFixture, storageAppFixture } from './support/storage-app-fixture';

/**
 * Every bucket and object call of the Dart `storage_client`, sent as it sends them (contract section 7b)
 * and read as its `fromJson` casts read them: JSON labelled UTF-8, integers as integers, booleans as
 * booleans, the fields it reads as `String` present as strings.
 */
const dartJson = (res: Response) => {
  expect({ status: res.status, type: res.headers['content-type'] }).toEqual({
    status: 200,
    type: 'application/json; charset=utf-8',
  });
  return res.body;
};

/** What Dart's `Bucket.fromJson` casts. */
const dartBucket = {
  id: expect.any(String),
  name: expect.any(String),
  owner: expect.any(String),
  public: expect.any(Boolean),
  created_at: expect.any(String),
  updated_at: expect.any(String),
};

/** What Dart's `FileObject.fromJson` casts (list v1 files and removed rows). */
const dartFileObject = {
  name: expect.any(String),
  id: expect.any(String),
  updated_at: expect.any(String),
  created_at: expect.any(String),
  last_accessed_at: expect.any(String),
  metadata: expect.objectContaining({ size: expect.any(Number), mimetype: expect.any(String) }),
};

describe.each(blobBackends)('every call of the Dart client on the %s blob store', (backend) => {
  let fixture: StorageAppFixture;
  const key = 'dart/über 灯?#.txt';
  const path = dartPath(key);
  const form = (text: string) => dartForm('dart-boundary', Buffer.from(text), 'text/plain');
  const multipart = 'multipart/form-data; boundary=dart-boundary';

  beforeAll(async () => {
    fixture = await storageAppFixture(backend);
  });

  const as = <T extends { set(name: string, value: string): T }>(test: T) =>
    test.set('authorization', fixture.service).set('apikey', fixture.service.replace('Bearer ', ''));

  it('createBucket, with a size limit as a string', async () => {
    const body = {
      id: 'dart',
      name: 'dart',
      public: false,
      file_size_limit: '1MB',
      allowed_mime_types: null,
    };
    expect(dartJson(await as(fixture.request.post('/bucket')).send(body))).toEqual({ name: 'dart' });
  });

  it('updateBucket, getBucket and listBuckets, with integer limits and boolean flags', async () => {
    const update = {
      id: 'dart',
      name: 'dart',
      public: true,
      file_size_limit: '2MB',
      allowed_mime_types: ['text/*'],
    };
    expect(dartJson(await as(fixture.request.put('/bucket/dart')).send(update))).toEqual({
      message: 'Successfully updated',
    });
    const bucket = dartJson(await as(fixture.request.get('/bucket/dart')));
    expect(bucket).toMatchObject({ ...dartBucket, public: true, file_size_limit: 2_000_000 });
    expect(Number.isInteger(bucket.file_size_limit)).toBe(true);
    const buckets = dartJson(await as(fixture.request.get('/bucket')));
    expect(buckets).toEqual([expect.objectContaining({ ...dartBucket, allowed_mime_types: ['text/*'] })]);
  });

  it('upload and update, always as forms with the text fields first', async () => {
    const uploaded = dartJson(
      await as(fixture.request.post(`/object/dart/${path}`))
        .set('content-type', multipart)
        .send(form('one')),
    );
    expect(uploaded).toEqual({ Key: `dart/${key}`, Id: expect.any(String) });
    const updated = dartJson(
      await as(fixture.request.put(`/object/dart/${path}`))
        .set('content-type', multipart)
        .send(form('two')),
    );
    expect(updated).toEqual({ Key: `dart/${key}`, Id: expect.any(String) });
  });

  it('download with a bare ?, info with strings and integers, exists as a HEAD', async () => {
    const download = await as(fixture.request.get(`/object/dart/${path}?`));
    expect(download.text).toBe('two');
    const info = dartJson(await as(fixture.request.get(`/object/info/dart/${path}`)));
    expect(info).toEqual({
      id: expect.any(String),
      version: expect.any(String),
      name: key,
      bucket_id: 'dart',
      size: 3,
      content_type: 'text/plain',
      cache_control: 'max-age=3600',
      etag: expect.any(String),
      metadata: { from: 'dart' },
      last_modified: expect.any(String),
      created_at: expect.any(String),
    });
    const exists = await as(fixture.request.head(`/object/dart/${path}`)).set(
      'content-type',
      'application/json',
    );
    expect(exists.status).toBe(200);
    const absent = await as(fixture.request.head('/object/dart/none.txt')).set(
      'content-type',
      'application/json',
    );
    expect([400, 404]).toContain(absent.status);
  });

  it('list with "search": null, files cast as FileObject', async () => {
    const body = {
      prefix: 'dart',
      limit: 100,
      offset: 0,
      sortBy: { column: 'name', order: 'asc' },
      search: null,
    };
    const listed = dartJson(await as(fixture.request.post('/object/list/dart')).send(body));
    expect(listed).toEqual([expect.objectContaining({ ...dartFileObject, name: 'über 灯?#.txt' })]);
    expect(Number.isInteger(listed[0].metadata.size)).toBe(true);
  });

  it('createSignedUrl and createSignedUrls, whose URLs open after Uri.parse', async () => {
    const signed = dartJson(
      await as(fixture.request.post(`/object/sign/dart/${path}`)).send({ expiresIn: 60 }),
    );
    expect(signed).toEqual({ signedURL: expect.any(String) });
    const url = new URL(`http://storage.test${signed.signedURL}`);
    expect((await fixture.request.get(`${url.pathname}${url.search}`)).text).toBe('two');
    const many = dartJson(
      await as(fixture.request.post('/object/sign/dart')).send({ expiresIn: 60, paths: [key, 'none.txt'] }),
    );
    expect(many).toEqual([
      { path: key, signedURL: expect.any(String), error: null },
      { path: 'none.txt', signedURL: null, error: expect.any(String) },
    ]);
  });

  it('createSignedUploadUrl and uploadToSignedUrl with no auth header, the token read from url', async () => {
    const signed = dartJson(
      await as(fixture.request.post(`/object/upload/sign/dart/${dartPath('dart/signed 灯.txt')}`)),
    );
    const url = new URL(`http://storage.test${signed.url}`);
    const token = url.searchParams.get('token');
    expect(token).toEqual(expect.any(String));
    const put = await fixture.request
      .put(`${url.pathname}?token=${token}`)
      .set('content-type', multipart)
      .send(form('signed'));
    expect(dartJson(put)).toMatchObject({ Key: 'dart/dart/signed 灯.txt' });
  });

  it('getPublicUrl of a public bucket opens without a token', async () => {
    expect((await fixture.request.get(`/object/public/dart/${path}`)).text).toBe('two');
  });

  it('copy and move', async () => {
    const copied = dartJson(
      await as(fixture.request.post('/object/copy')).send({
        bucketId: 'dart',
        sourceKey: key,
        destinationKey: 'copy.txt',
      }),
    );
    expect(copied).toMatchObject({ Key: 'dart/copy.txt' });
    const moved = dartJson(
      await as(fixture.request.post('/object/move')).send({
        bucketId: 'dart',
        sourceKey: 'copy.txt',
        destinationKey: 'moved.txt',
      }),
    );
    expect(moved).toEqual({ message: 'Successfully moved' });
  });

  it('remove, answered with the removed rows cast as FileObject', async () => {
    const removed = dartJson(
      await as(fixture.request.delete('/object/dart')).send({ prefixes: ['moved.txt', key] }),
    );
    expect(removed).toHaveLength(2);
    for (const row of removed)
      expect(row).toMatchObject({ name: expect.any(String), bucket_id: 'dart', id: expect.any(String) });
  });

  it('emptyBucket and deleteBucket', async () => {
    expect(dartJson(await as(fixture.request.post('/bucket/dart/empty')))).toEqual({
      message: 'Successfully emptied',
    });
    expect(dartJson(await as(fixture.request.delete('/bucket/dart')))).toEqual({
      message: 'Successfully deleted',
    });
  });

  it('errors as a JSON object with string message and error, labelled UTF-8', async () => {
    const res = await as(fixture.request.get('/bucket/dart'));
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.body).toEqual({
      statusCode: '404',
      error: expect.any(String),
      message: expect.any(String),
      code: 'NoSuchBucket',
    });
  });
});
