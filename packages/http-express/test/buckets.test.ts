import { blobBackends, storageAppFixture } from './support/storage-app-fixture';

describe.each(blobBackends)('buckets on the %s blob store', (backend) => {
  it('creates, reads, lists, updates, empties and deletes a bucket', async () => {
    const { request, service } = await storageAppFixture(backend);
    const created = await request
      .post('/bucket')
      .set('authorization', service)
      .send({ name: 'avatars', public: true, file_size_limit: '1MB', allowed_mime_types: ['image/*'] });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({ name: 'avatars' });

    const got = await request.get('/bucket/avatars').set('authorization', service);
    expect(got.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(got.body).toMatchObject({
      id: 'avatars',
      name: 'avatars',
      owner: '',
      public: true,
      file_size_limit: 1_000_000,
      allowed_mime_types: ['image/*'],
    });
    expect(got.body.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    const listed = await request.get('/bucket').set('authorization', service);
    expect(listed.body.map((bucket: { id: string }) => bucket.id)).toEqual(['avatars']);

    const updated = await request
      .put('/bucket/avatars')
      .set('authorization', service)
      .send({ public: false });
    expect(updated.body).toEqual({ message: 'Successfully updated' });
    expect((await request.get('/bucket/avatars').set('authorization', service)).body.public).toBe(false);

    const emptied = await request.post('/bucket/avatars/empty').set('authorization', service);
    expect(emptied.body).toEqual({ message: 'Successfully emptied' });
    const deleted = await request.delete('/bucket/avatars').set('authorization', service);
    expect(deleted.body).toEqual({ message: 'Successfully deleted' });
  });

  it('answers NoSuchBucket for a missing bucket', async () => {
    const { request, service } = await storageAppFixture(backend);
    const res = await request.get('/bucket/nope').set('authorization', service);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: '404', error: 'Bucket not found', code: 'NoSuchBucket' });
  });

  it('refuses a second bucket of the same name', async () => {
    const { request, service } = await storageAppFixture(backend);
    await request.post('/bucket').set('authorization', service).send({ name: 'dup' });
    const res = await request.post('/bucket').set('authorization', service).send({ name: 'dup' });
    expect(res.body).toMatchObject({ statusCode: '409', error: 'Duplicate', code: 'BucketAlreadyExists' });
  });

  it('refuses an invalid bucket name', async () => {
    const { request, service } = await storageAppFixture(backend);
    const res = await request.post('/bucket').set('authorization', service).send({ name: 'a/b' });
    expect(res.body).toMatchObject({ statusCode: '400', error: 'Invalid Input', code: 'InvalidBucketName' });
  });

  it('refuses a body that fails validation', async () => {
    const { request, service } = await storageAppFixture(backend);
    const res = await request.post('/bucket').set('authorization', service).send({ name: 42 });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: '400', code: 'InvalidRequest' });
  });

  it('refuses malformed JSON in the envelope', async () => {
    const { request, service } = await storageAppFixture(backend);
    const res = await request
      .post('/bucket')
      .set('authorization', service)
      .set('content-type', 'application/json')
      .send('{"name":');
    expect(res.body).toMatchObject({ statusCode: '400', code: 'InvalidRequest' });
  });

  it('refuses to delete a bucket that still holds objects', async () => {
    const { request, service } = await storageAppFixture(backend);
    await request.post('/bucket').set('authorization', service).send({ name: 'full' });
    await request.post('/object/full/a.txt').set('authorization', service).send('a');
    const res = await request.delete('/bucket/full').set('authorization', service);
    expect(res.body).toMatchObject({ statusCode: '409', code: 'ResourceNotEmpty' });
  });
});
