import { type BlobBackend, blobBackends, storageAppFixture } from './support/storage-app-fixture';

async function withObjects(backend: BlobBackend, ...keys: string[]) {
  const fixture = await storageAppFixture(backend);
  const { request, service } = fixture;
  await request.post('/bucket').set('authorization', service).send({ name: 'docs' });
  await request.post('/bucket').set('authorization', service).send({ name: 'other' });
  for (const key of keys) {
    await request.post(`/object/docs/${key}`).set('authorization', service).type('text/plain').send(key);
  }
  return fixture;
}

describe.each(blobBackends)('objects on the %s blob store', (backend) => {
  describe('delete', () => {
    it('deletes one object, then answers NoSuchKey', async () => {
      const { request, service } = await withObjects(backend, 'a.txt');
      const res = await request.delete('/object/docs/a.txt').set('authorization', service);
      expect(res.body).toEqual({ message: 'Successfully deleted' });
      const again = await request.delete('/object/docs/a.txt').set('authorization', service);
      expect(again.body).toMatchObject({ statusCode: '404', code: 'NoSuchKey' });
    });

    it('deletes many and returns only the rows deleted', async () => {
      const { request, service } = await withObjects(backend, 'a.txt', 'dir/b.txt');
      const res = await request
        .delete('/object/docs')
        .set('authorization', service)
        .send({ prefixes: ['a.txt', 'dir/b.txt', 'missing.txt'] });
      expect(res.body.map((row: { name: string }) => row.name).sort()).toEqual(['a.txt', 'dir/b.txt']);
      expect(res.body[0]).toMatchObject({ bucket_id: 'docs', id: expect.any(String) });
    });
  });

  describe('move and copy', () => {
    it('moves an object, refusing an existing destination', async () => {
      const { request, service } = await withObjects(backend, 'a.txt', 'b.txt');
      const taken = await request
        .post('/object/move')
        .set('authorization', service)
        .send({ bucketId: 'docs', sourceKey: 'a.txt', destinationKey: 'b.txt' });
      expect(taken.body).toMatchObject({ statusCode: '409' });
      const moved = await request
        .post('/object/move')
        .set('authorization', service)
        .send({ bucketId: 'docs', sourceKey: 'a.txt', destinationKey: 'c.txt', destinationBucket: 'other' });
      expect(moved.body).toEqual({ message: 'Successfully moved' });
      expect((await request.get('/object/other/c.txt').set('authorization', service)).text).toBe('a.txt');
      expect((await request.get('/object/docs/a.txt').set('authorization', service)).body.code).toBe(
        'NoSuchKey',
      );
    });

    it('copies an object, overwriting only with x-upsert', async () => {
      const { request, service } = await withObjects(backend, 'a.txt', 'b.txt');
      const body = { bucketId: 'docs', sourceKey: 'a.txt', destinationKey: 'b.txt' };
      const refused = await request.post('/object/copy').set('authorization', service).send(body);
      expect(refused.body).toMatchObject({ statusCode: '409', code: 'KeyAlreadyExists' });
      const copied = await request
        .post('/object/copy')
        .set('authorization', service)
        .set('x-upsert', 'true')
        .send(body);
      expect(copied.body).toMatchObject({ Key: 'docs/b.txt', id: expect.any(String), name: 'b.txt' });
      expect((await request.get('/object/docs/b.txt').set('authorization', service)).text).toBe('a.txt');
    });
  });

  describe('list', () => {
    it('lists v1 entries directly under a prefix, folders first-class, with search null', async () => {
      const { request, service } = await withObjects(backend, 'docs/a.txt', 'docs/sub/b.txt', 'top.txt');
      const res = await request
        .post('/object/list/docs')
        .set('authorization', service)
        .send({
          prefix: 'docs',
          limit: 100,
          offset: 0,
          sortBy: { column: 'name', order: 'asc' },
          search: null,
        });
      expect(res.body).toHaveLength(2);
      expect(res.body).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ name: 'a.txt', id: expect.any(String), metadata: expect.any(Object) }),
          {
            name: 'sub',
            id: null,
            updated_at: null,
            created_at: null,
            last_accessed_at: null,
            metadata: null,
          },
        ]),
      );
    });

    it('lists v2 with folders and full names', async () => {
      const { request, service } = await withObjects(backend, 'docs/a.txt', 'top.txt');
      const res = await request
        .post('/object/list-v2/docs')
        .set('authorization', service)
        .send({ with_delimiter: true });
      expect(res.body).toMatchObject({
        hasNext: false,
        folders: [{ key: 'docs', name: 'docs/' }],
        objects: [{ name: 'top.txt', id: expect.any(String) }],
      });
    });

    it('refuses a listing body that fails validation', async () => {
      const { request, service } = await withObjects(backend);
      const res = await request
        .post('/object/list/docs')
        .set('authorization', service)
        .send({ limit: 'many' });
      expect(res.body).toMatchObject({ statusCode: '400', code: 'InvalidRequest' });
    });
  });
});
