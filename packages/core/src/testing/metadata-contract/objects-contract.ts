import {
  codeOf,
  metadataOf,
  newBucket,
  newObject,
  type StoreFixture,
  scope,
  sleep,
  uniqueBucketId,
} from './fixture';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function objectsContract(fixture: StoreFixture): void {
  const emptyBucket = async () => {
    const id = uniqueBucketId();
    await fixture.run((tx) => tx.createBucket(newBucket(id)));
    return id;
  };

  describe('objects', () => {
    it('inserts a row and finds it, every field round-tripping', async () => {
      const bucketId = await emptyBucket();
      const owner = crypto.randomUUID();
      const row = newObject(bucketId, 'docs/a.txt', {
        owner,
        ownerId: owner,
        metadata: metadataOf(5_000_000_000, 'text/plain'),
        userMetadata: { nested: { list: [1, 'two', null] }, flag: true },
      });
      const inserted = await fixture.run((tx) => tx.insertObject(row));
      expect(inserted).toEqual({
        id: expect.stringMatching(UUID),
        ...row,
        createdAt: expect.any(Date),
        updatedAt: expect.any(Date),
        lastAccessedAt: expect.any(Date),
      });
      expect(await fixture.run((tx) => tx.findObject(bucketId, 'docs/a.txt'))).toEqual(inserted);
    });

    it('finds nothing for a missing name or in another bucket', async () => {
      const bucketId = await emptyBucket();
      const other = await emptyBucket();
      await fixture.run((tx) => tx.insertObject(newObject(bucketId, 'a.txt')));
      expect(await fixture.run((tx) => tx.findObject(bucketId, 'b.txt'))).toBeUndefined();
      expect(await fixture.run((tx) => tx.findObject(other, 'a.txt'))).toBeUndefined();
      expect(await fixture.run((tx) => tx.findObject(bucketId, 'A.TXT'))).toBeUndefined();
    });

    it('finds which names are rows of the bucket, in one statement', async () => {
      const bucketId = await emptyBucket();
      const other = await emptyBucket();
      await fixture.run((tx) => tx.insertObject(newObject(bucketId, 'a.txt')));
      await fixture.run((tx) => tx.insertObject(newObject(bucketId, 'docs/b.txt')));
      await fixture.run((tx) => tx.insertObject(newObject(other, 'c.txt')));
      const names = ['a.txt', 'c.txt', 'docs/b.txt', 'A.TXT', 'a.txt', 'docs'];
      const oneStatement = { oneStatement: true };
      expect(
        await fixture.store.transaction(scope, (tx) => tx.findObjectNames(bucketId, names), oneStatement),
      ).toEqual(new Set(['a.txt', 'docs/b.txt']));
      expect(await fixture.run((tx) => tx.findObjectNames(other, names))).toEqual(new Set(['c.txt']));
    });

    it('reads through the public flag: the object only in a public bucket, nothing for a missing one', async () => {
      const open = uniqueBucketId();
      const closed = uniqueBucketId();
      await fixture.run((tx) => tx.createBucket(newBucket(open, { public: true })));
      await fixture.run((tx) => tx.createBucket(newBucket(closed)));
      const shown = await fixture.run((tx) => tx.insertObject(newObject(open, 'a.txt')));
      await fixture.run((tx) => tx.insertObject(newObject(closed, 'a.txt')));
      const read = (bucketId: string, name: string) =>
        fixture.run((tx) => tx.findPublicObject(bucketId, name));
      expect(await read(open, 'a.txt')).toEqual({ public: true, object: shown });
      expect(await read(open, 'b.txt')).toEqual({ public: true, object: undefined });
      expect(await read(closed, 'a.txt')).toEqual({ public: false, object: undefined });
      expect(await read(uniqueBucketId(), 'a.txt')).toBeUndefined();
    });

    it('refuses a second insert of the same name and keeps the first', async () => {
      const bucketId = await emptyBucket();
      const first = await fixture.run((tx) => tx.insertObject(newObject(bucketId, 'a.txt')));
      expect(await codeOf(fixture.run((tx) => tx.insertObject(newObject(bucketId, 'a.txt'))))).toBe(
        'KeyAlreadyExists',
      );
      expect(await fixture.run((tx) => tx.findObject(bucketId, 'a.txt'))).toEqual(first);
    });

    it('refuses an insert into a missing bucket', async () => {
      const insert = fixture.run((tx) => tx.insertObject(newObject(uniqueBucketId(), 'a.txt')));
      expect(await codeOf(insert)).toBe('NoSuchBucket');
    });

    it('upserts a new row with no previous version', async () => {
      const bucketId = await emptyBucket();
      const row = newObject(bucketId, 'a.txt');
      const { object, previousVersion } = await fixture.run((tx) => tx.upsertObject(row));
      expect(previousVersion).toBeNull();
      expect(object).toMatchObject({ name: 'a.txt', version: row.version });
      expect(await fixture.run((tx) => tx.findObject(bucketId, 'a.txt'))).toEqual(object);
    });

    it('upserts over a row, keeping its id and createdAt and returning the replaced version', async () => {
      const bucketId = await emptyBucket();
      const first = await fixture.run((tx) => tx.insertObject(newObject(bucketId, 'a.txt')));
      await sleep(5);
      const owner = crypto.randomUUID();
      const replacement = newObject(bucketId, 'a.txt', {
        owner,
        ownerId: owner,
        metadata: metadataOf(42, 'image/png'),
        userMetadata: { replaced: true },
      });
      const { object, previousVersion } = await fixture.run((tx) => tx.upsertObject(replacement));
      expect(previousVersion).toBe(first.version);
      expect(object).toEqual({
        ...replacement,
        id: first.id,
        createdAt: first.createdAt,
        updatedAt: expect.any(Date),
        lastAccessedAt: expect.any(Date),
      });
      expect(object.updatedAt.getTime()).toBeGreaterThan(first.updatedAt.getTime());
      expect(await fixture.run((tx) => tx.findObject(bucketId, 'a.txt'))).toEqual(object);
    });

    it('refuses an upsert into a missing bucket', async () => {
      const upsert = fixture.run((tx) => tx.upsertObject(newObject(uniqueBucketId(), 'a.txt')));
      expect(await codeOf(upsert)).toBe('NoSuchBucket');
    });

    describe('move', () => {
      it('renames a row, keeping its id and version and taking the new owner', async () => {
        const bucketId = await emptyBucket();
        const source = await fixture.run((tx) => tx.insertObject(newObject(bucketId, 'a.txt')));
        const owner = crypto.randomUUID();
        const moved = await fixture.run((tx) =>
          tx.moveObject({ bucketId, name: 'a.txt' }, { bucketId, name: 'dir/b.txt', owner, ownerId: owner }),
        );
        expect(moved).toMatchObject({ id: source.id, version: source.version, name: 'dir/b.txt', owner });
        expect(await fixture.run((tx) => tx.findObject(bucketId, 'a.txt'))).toBeUndefined();
        expect(await fixture.run((tx) => tx.findObject(bucketId, 'dir/b.txt'))).toEqual(moved);
      });

      it('moves into another bucket', async () => {
        const from = await emptyBucket();
        const to = await emptyBucket();
        const source = await fixture.run((tx) => tx.insertObject(newObject(from, 'a.txt')));
        const moved = await fixture.run((tx) =>
          tx.moveObject(
            { bucketId: from, name: 'a.txt' },
            { bucketId: to, name: 'a.txt', owner: null, ownerId: null },
          ),
        );
        expect(moved).toMatchObject({ id: source.id, bucketId: to, name: 'a.txt' });
        expect(await fixture.run((tx) => tx.findObject(from, 'a.txt'))).toBeUndefined();
        expect(await fixture.run((tx) => tx.findObject(to, 'a.txt'))).toEqual(moved);
      });

      it('refuses a taken destination and leaves both rows as they were', async () => {
        const bucketId = await emptyBucket();
        const a = await fixture.run((tx) => tx.insertObject(newObject(bucketId, 'a.txt')));
        const b = await fixture.run((tx) => tx.insertObject(newObject(bucketId, 'b.txt')));
        const move = fixture.run((tx) =>
          tx.moveObject({ bucketId, name: 'a.txt' }, { bucketId, name: 'b.txt', owner: null, ownerId: null }),
        );
        expect(await codeOf(move)).toBe('ResourceAlreadyExists');
        expect(await fixture.run((tx) => tx.findObject(bucketId, 'a.txt'))).toEqual(a);
        expect(await fixture.run((tx) => tx.findObject(bucketId, 'b.txt'))).toEqual(b);
      });

      it('resolves undefined for a missing source', async () => {
        const bucketId = await emptyBucket();
        const moved = await fixture.run((tx) =>
          tx.moveObject({ bucketId, name: 'nope' }, { bucketId, name: 'b.txt', owner: null, ownerId: null }),
        );
        expect(moved).toBeUndefined();
        expect(await fixture.run((tx) => tx.findObject(bucketId, 'b.txt'))).toBeUndefined();
      });

      it('refuses a missing destination bucket', async () => {
        const bucketId = await emptyBucket();
        await fixture.run((tx) => tx.insertObject(newObject(bucketId, 'a.txt')));
        const move = fixture.run((tx) =>
          tx.moveObject(
            { bucketId, name: 'a.txt' },
            { bucketId: uniqueBucketId(), name: 'a.txt', owner: null, ownerId: null },
          ),
        );
        expect(await codeOf(move)).toBe('NoSuchBucket');
        expect(await fixture.run((tx) => tx.findObject(bucketId, 'a.txt'))).toBeDefined();
      });
    });

    describe('delete', () => {
      it('deletes the named rows and returns only those it deleted', async () => {
        const bucketId = await emptyBucket();
        for (const name of ['a', 'b', 'c'])
          await fixture.run((tx) => tx.insertObject(newObject(bucketId, name)));
        const deleted = await fixture.run((tx) => tx.deleteObjects(bucketId, ['a', 'c', 'missing']));
        expect(deleted.map((object) => object.name).sort()).toEqual(['a', 'c']);
        expect(deleted[0]).toMatchObject({
          bucketId,
          version: expect.any(String),
          createdAt: expect.any(Date),
        });
        expect(await fixture.run((tx) => tx.findObject(bucketId, 'a'))).toBeUndefined();
        expect(await fixture.run((tx) => tx.findObject(bucketId, 'b'))).toBeDefined();
        expect(await fixture.run((tx) => tx.deleteObjects(bucketId, ['a']))).toEqual([]);
      });

      it('empties a bucket in batches', async () => {
        const bucketId = await emptyBucket();
        const other = await emptyBucket();
        await fixture.run((tx) => tx.insertObject(newObject(other, 'keep')));
        for (const name of ['1', '2', '3', '4', '5']) {
          await fixture.run((tx) => tx.insertObject(newObject(bucketId, name)));
        }
        expect(await fixture.run((tx) => tx.bucketHasObjects(bucketId))).toBe(true);
        const sizes: number[] = [];
        const seen = new Set<string>();
        for (;;) {
          const batch = await fixture.run((tx) => tx.deleteObjectBatch(bucketId, 2));
          sizes.push(batch.length);
          for (const object of batch) seen.add(object.name);
          if (batch.length < 2) break;
        }
        expect(sizes).toEqual([2, 2, 1]);
        expect([...seen].sort()).toEqual(['1', '2', '3', '4', '5']);
        expect(await fixture.run((tx) => tx.bucketHasObjects(bucketId))).toBe(false);
        expect(await fixture.run((tx) => tx.findObject(other, 'keep'))).toBeDefined();
      });
    });

    it('keeps names with Unicode, quotes, spaces, % _ and \\ exactly', async () => {
      const bucketId = await emptyBucket();
      const names = ['über/灯泡.jpeg', 'emoji 😀/it\'s "q".txt', '100%/a_b\\c.txt', 'a+b&c=d?e#f.txt'];
      for (const name of names) await fixture.run((tx) => tx.insertObject(newObject(bucketId, name)));
      for (const name of names) {
        expect(await fixture.run((tx) => tx.findObject(bucketId, name))).toMatchObject({ name });
      }
      expect(await fixture.run((tx) => tx.findObject(bucketId, '100_/a%b\\c.txt'))).toBeUndefined();
      expect(await fixture.run((tx) => tx.findObject(bucketId, 'ÜBER/灯泡.jpeg'))).toBeUndefined();
    });
  });
}
