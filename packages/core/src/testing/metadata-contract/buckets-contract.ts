import type { ListBucketsQuery } from '../../domain/bucket';
import { codeOf, newBucket, newObject, type StoreFixture, sleep, uniqueBucketId } from './fixture';

export function bucketsContract(fixture: StoreFixture): void {
  describe('buckets', () => {
    it('creates a bucket and finds it by id, with every field round-tripping', async () => {
      const id = uniqueBucketId();
      const owner = crypto.randomUUID();
      const created = await fixture.run((tx) =>
        tx.createBucket(
          newBucket(id, {
            name: `${id}-name`,
            owner,
            ownerId: owner,
            public: true,
            fileSizeLimit: 5_000_000_000,
            allowedMimeTypes: ['image/*', 'text/plain'],
          }),
        ),
      );
      const found = await fixture.run((tx) => tx.findBucket(id));
      for (const bucket of [created, found]) {
        expect(bucket).toEqual({
          id,
          name: `${id}-name`,
          owner,
          ownerId: owner,
          public: true,
          fileSizeLimit: 5_000_000_000,
          allowedMimeTypes: ['image/*', 'text/plain'],
          type: 'STANDARD',
          createdAt: expect.any(Date),
          updatedAt: expect.any(Date),
        });
      }
      expect(found?.createdAt.getTime()).toBe(created.createdAt.getTime());
    });

    it('keeps nulls as nulls', async () => {
      const id = uniqueBucketId();
      await fixture.run((tx) => tx.createBucket(newBucket(id)));
      expect(await fixture.run((tx) => tx.findBucket(id))).toMatchObject({
        owner: null,
        ownerId: null,
        public: false,
        fileSizeLimit: null,
        allowedMimeTypes: null,
      });
    });

    it('finds nothing for a missing bucket', async () => {
      expect(await fixture.run((tx) => tx.findBucket(uniqueBucketId()))).toBeUndefined();
    });

    it('refuses a second bucket with the same id', async () => {
      const id = uniqueBucketId();
      await fixture.run((tx) => tx.createBucket(newBucket(id)));
      const again = fixture.run((tx) => tx.createBucket(newBucket(id, { name: uniqueBucketId() })));
      expect(await codeOf(again)).toBe('BucketAlreadyExists');
    });

    it('refuses a second bucket with the same name', async () => {
      const id = uniqueBucketId();
      await fixture.run((tx) => tx.createBucket(newBucket(id)));
      const again = fixture.run((tx) => tx.createBucket(newBucket(uniqueBucketId(), { name: id })));
      expect(await codeOf(again)).toBe('BucketAlreadyExists');
    });

    describe('listing', () => {
      const tag = uniqueBucketId('list');
      const names = [`${tag}-b`, `${tag}-c`, `${tag}-a`];
      beforeAll(async () => {
        for (const name of names) {
          await fixture.run((tx) => tx.createBucket(newBucket(name)));
          await sleep(5);
        }
      });
      const list = (query: ListBucketsQuery) =>
        fixture
          .run((tx) => tx.listBuckets({ search: tag, ...query }))
          .then((buckets) => buckets.map((b) => b.name));

      it('sorts by name by default', async () => {
        expect(await list({})).toEqual([`${tag}-a`, `${tag}-b`, `${tag}-c`]);
      });
      it('sorts by any column in either order', async () => {
        expect(await list({ sortColumn: 'name', sortOrder: 'desc' })).toEqual([
          `${tag}-c`,
          `${tag}-b`,
          `${tag}-a`,
        ]);
        expect(await list({ sortColumn: 'id', sortOrder: 'asc' })).toEqual([
          `${tag}-a`,
          `${tag}-b`,
          `${tag}-c`,
        ]);
        expect(await list({ sortColumn: 'created_at', sortOrder: 'asc' })).toEqual(names);
        expect(await list({ sortColumn: 'created_at', sortOrder: 'desc' })).toEqual([...names].reverse());
        expect(await list({ sortColumn: 'updated_at', sortOrder: 'asc' })).toEqual(names);
      });
      it('pages with limit and offset', async () => {
        expect(await list({ limit: 2 })).toEqual([`${tag}-a`, `${tag}-b`]);
        expect(await list({ limit: 2, offset: 2 })).toEqual([`${tag}-c`]);
        expect(await list({ offset: 3 })).toEqual([]);
      });
      it('searches names case-insensitively, as a substring', async () => {
        expect(await list({ search: tag.toUpperCase() })).toHaveLength(3);
        expect(await list({ search: `${tag.slice(4)}-C` })).toEqual([`${tag}-c`]);
      });
    });

    it('treats % _ and \\ in a search literally', async () => {
      const tag = uniqueBucketId('lit');
      await fixture.run((tx) => tx.createBucket(newBucket(`${tag}_x`)));
      await fixture.run((tx) => tx.createBucket(newBucket(`${tag}yx`)));
      const search = (text: string) =>
        fixture.run((tx) => tx.listBuckets({ search: text })).then((buckets) => buckets.map((b) => b.name));
      expect(await search(`${tag}_`)).toEqual([`${tag}_x`]);
      expect(await search(`${tag}%`)).toEqual([]);
      expect(await search(`${tag}\\`)).toEqual([]);
      expect(await search('%')).toEqual([]);
    });

    it('updates only the fields in the patch and moves updatedAt', async () => {
      const id = uniqueBucketId();
      const created = await fixture.run((tx) =>
        tx.createBucket(newBucket(id, { fileSizeLimit: 10, allowedMimeTypes: ['text/plain'] })),
      );
      await sleep(5);
      const updated = await fixture.run((tx) => tx.updateBucket(id, { public: true }));
      expect(updated).toMatchObject({ public: true, fileSizeLimit: 10, allowedMimeTypes: ['text/plain'] });
      expect(updated?.updatedAt.getTime()).toBeGreaterThan(created.updatedAt.getTime());
      expect(updated?.createdAt.getTime()).toBe(created.createdAt.getTime());

      const cleared = await fixture.run((tx) =>
        tx.updateBucket(id, { fileSizeLimit: null, allowedMimeTypes: null }),
      );
      expect(cleared).toMatchObject({ public: true, fileSizeLimit: null, allowedMimeTypes: null });
      expect(await fixture.run((tx) => tx.findBucket(id))).toEqual(cleared);
    });

    it('reports a missing bucket on update', async () => {
      expect(await fixture.run((tx) => tx.updateBucket(uniqueBucketId(), { public: true }))).toBeUndefined();
    });

    it('deletes an empty bucket, and reports a missing one', async () => {
      const id = uniqueBucketId();
      await fixture.run((tx) => tx.createBucket(newBucket(id)));
      expect(await fixture.run((tx) => tx.deleteBucket(id))).toBe(true);
      expect(await fixture.run((tx) => tx.findBucket(id))).toBeUndefined();
      expect(await fixture.run((tx) => tx.deleteBucket(id))).toBe(false);
    });

    it('refuses to delete a bucket that holds objects', async () => {
      const id = uniqueBucketId();
      await fixture.run((tx) => tx.createBucket(newBucket(id)));
      await fixture.run((tx) => tx.insertObject(newObject(id, 'a.txt')));
      expect(await codeOf(fixture.run((tx) => tx.deleteBucket(id)))).toBe('ResourceNotEmpty');
      expect(await fixture.run((tx) => tx.findBucket(id))).toBeDefined();
    });
  });
}
