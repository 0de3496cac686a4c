import { codeOf, newBucket, newObject, type StoreFixture, scope, uniqueBucketId } from './fixture';

export function transactionsContract(fixture: StoreFixture): void {
  describe('units of work', () => {
    it('commits when the work resolves, and sees its own writes before that', async () => {
      const bucketId = uniqueBucketId();
      const seenInside = await fixture.store.transaction(scope, async (tx) => {
        await tx.createBucket(newBucket(bucketId));
        await tx.insertObject(newObject(bucketId, 'a.txt'));
        return tx.findObject(bucketId, 'a.txt');
      });
      expect(seenInside).toMatchObject({ name: 'a.txt' });
      expect(await fixture.run((tx) => tx.findObject(bucketId, 'a.txt'))).toEqual(seenInside);
    });

    it('rolls everything back when the work throws, and rethrows the same error', async () => {
      const bucketId = uniqueBucketId();
      const boom = new Error('boom');
      const attempt = fixture.store.transaction(scope, async (tx) => {
        await tx.createBucket(newBucket(bucketId));
        await tx.insertObject(newObject(bucketId, 'a.txt'));
        throw boom;
      });
      await expect(attempt).rejects.toBe(boom);
      expect(await fixture.run((tx) => tx.findBucket(bucketId))).toBeUndefined();
    });

    it('rolls back the earlier statements when a later one fails', async () => {
      const bucketId = uniqueBucketId();
      const attempt = fixture.store.transaction(scope, async (tx) => {
        await tx.createBucket(newBucket(bucketId));
        await tx.insertObject(newObject(bucketId, 'a.txt'));
        await tx.insertObject(newObject(bucketId, 'a.txt'));
      });
      expect(await codeOf(attempt)).toBe('KeyAlreadyExists');
      expect(await fixture.run((tx) => tx.findBucket(bucketId))).toBeUndefined();
    });

    it('never persists a dry run, and resolves with its result', async () => {
      const bucketId = uniqueBucketId();
      const result = await fixture.store.dryRun(scope, async (tx) => {
        await tx.createBucket(newBucket(bucketId));
        return (await tx.insertObject(newObject(bucketId, 'a.txt'))).name;
      });
      expect(result).toBe('a.txt');
      expect(await fixture.run((tx) => tx.findBucket(bucketId))).toBeUndefined();
    });

    it('rejects a dry run with its error', async () => {
      const bucketId = uniqueBucketId();
      await fixture.run((tx) => tx.createBucket(newBucket(bucketId)));
      await fixture.run((tx) => tx.insertObject(newObject(bucketId, 'a.txt')));
      const attempt = fixture.store.dryRun(scope, (tx) => tx.insertObject(newObject(bucketId, 'a.txt')));
      expect(await codeOf(attempt)).toBe('KeyAlreadyExists');
    });

    it('runs concurrent units of work without mixing them up', async () => {
      const bucketId = uniqueBucketId();
      await fixture.run((tx) => tx.createBucket(newBucket(bucketId)));
      const boom = new Error('boom');
      const outcomes = await Promise.allSettled(
        ['1', '2', '3', '4', '5', '6'].map((name) =>
          fixture.store.transaction(scope, async (tx) => {
            await tx.insertObject(newObject(bucketId, name));
            if (Number(name) % 2 === 0) throw boom;
            return name;
          }),
        ),
      );
      expect(outcomes.map((outcome) => outcome.status)).toEqual([
        'fulfilled',
        'rejected',
        'fulfilled',
        'rejected',
        'fulfilled',
        'rejected',
      ]);
      const found = await Promise.all(
        ['1', '2', '3', '4', '5', '6'].map((name) => fixture.run((tx) => tx.findObject(bucketId, name))),
      );
      expect(found.map((object) => object?.name ?? null)).toEqual(['1', null, '3', null, '5', null]);
    });

    describe('of one statement', () => {
      const oneStatement = { oneStatement: true };

      it('commits the statement, and the store runs the next unit after it', async () => {
        const bucketId = uniqueBucketId();
        await fixture.run((tx) => tx.createBucket(newBucket(bucketId)));
        const inserted = await fixture.store.transaction(
          scope,
          (tx) => tx.insertObject(newObject(bucketId, 'a.txt')),
          oneStatement,
        );
        expect(await fixture.run((tx) => tx.findObject(bucketId, 'a.txt'))).toEqual(inserted);
        const deleted = await fixture.store.transaction(
          scope,
          (tx) => tx.deleteObjects(bucketId, ['a.txt']),
          oneStatement,
        );
        expect(deleted.map((object) => object.name)).toEqual(['a.txt']);
        expect(await fixture.run((tx) => tx.findObject(bucketId, 'a.txt'))).toBeUndefined();
      });

      it("rejects with the statement's error, and the store goes on", async () => {
        const bucketId = uniqueBucketId();
        await fixture.run((tx) => tx.createBucket(newBucket(bucketId)));
        await fixture.run((tx) => tx.insertObject(newObject(bucketId, 'a.txt')));
        const attempts = [1, 2, 3].map(() =>
          codeOf(
            fixture.store.transaction(
              scope,
              (tx) => tx.insertObject(newObject(bucketId, 'a.txt')),
              oneStatement,
            ),
          ),
        );
        expect(await Promise.all(attempts)).toEqual([
          'KeyAlreadyExists',
          'KeyAlreadyExists',
          'KeyAlreadyExists',
        ]);
        await fixture.run((tx) => tx.insertObject(newObject(bucketId, 'b.txt')));
        expect(await fixture.run((tx) => tx.findObject(bucketId, 'b.txt'))).toMatchObject({ name: 'b.txt' });
      });

      it('commits nothing when the work makes no statement', async () => {
        const bucketId = uniqueBucketId();
        await fixture.run((tx) => tx.createBucket(newBucket(bucketId)));
        const deleted = await fixture.store.transaction(
          scope,
          (tx) => tx.deleteObjects(bucketId, []),
          oneStatement,
        );
        expect(deleted).toEqual([]);
        expect(await fixture.run((tx) => tx.findBucket(bucketId))).toMatchObject({ id: bucketId });
      });
    });

    it('lets exactly one of two racing inserts of a name win', async () => {
      const bucketId = uniqueBucketId();
      await fixture.run((tx) => tx.createBucket(newBucket(bucketId)));
      const codes = await Promise.all(
        [1, 2].map(() => codeOf(fixture.run((tx) => tx.insertObject(newObject(bucketId, 'race.txt'))))),
      );
      expect(codes.sort()).toEqual(['KeyAlreadyExists', 'resolved']);
    });
  });
}
