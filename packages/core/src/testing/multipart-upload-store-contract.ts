import type { MultipartUploadStore, NewMultipartUpload } from '../ports/multipart-upload-store';

/** What an adapter hands the multipart contract: a ready store, and how to make and dispose of things. */
export interface MadeMultipartUploadStore {
  readonly store: MultipartUploadStore;
  /** Makes a bucket uploads can be started in (a store may keep uploads beside its buckets). */
  readonly createBucket: (id: string) => Promise<void>;
  readonly cleanup: () => Promise<void>;
}

const ALICE = '11111111-1111-4111-8111-111111111111';

/**
 * The behaviour every `MultipartUploadStore` must show, as a jest suite: one store for the suite, each
 * test in buckets of its own.
 */
export function multipartUploadStoreContract(
  name: string,
  makeStore: () => Promise<MadeMultipartUploadStore>,
): void {
  describe(`${name}: MultipartUploadStore contract`, () => {
    let made: MadeMultipartUploadStore | undefined;
    const store = () => {
      if (!made) throw new Error('the store is not ready');
      return made.store;
    };
    beforeAll(async () => {
      made = await makeStore();
      for (const bucket of ['uploads', 'listing', 'other']) await made.createBucket(bucket);
    });
    afterAll(() => made?.cleanup());

    const upload = (id: string, extra: Partial<NewMultipartUpload> = {}): NewMultipartUpload => ({
      id,
      bucketId: 'uploads',
      key: `folder/${id}.bin`,
      version: `version-of-${id}`,
      ownerId: ALICE,
      contentType: 'image/png',
      cacheControl: 'max-age=60',
      userMetadata: { colour: 'blue', nested: { n: 1 } },
      ...extra,
    });

    it('keeps what an upload was created with, until it is deleted', async () => {
      const created = await store().create(upload('u-keep'));
      expect(created).toEqual({ ...upload('u-keep'), createdAt: expect.any(Date) });
      expect(await store().find('u-keep')).toEqual(created);
      expect(await store().find('u-never')).toBeUndefined();
      const bare = await store().create(upload('u-bare', { ownerId: null, userMetadata: null }));
      expect(bare).toMatchObject({ ownerId: null, userMetadata: null });
    });

    it('records parts, a part saved again replacing the earlier one, listed by part number', async () => {
      await store().create(upload('u-parts'));
      for (const partNumber of [3, 1, 2, 10]) {
        await store().savePart('u-parts', { partNumber, etag: `etag-${partNumber}`, size: partNumber * 100 });
      }
      await store().savePart('u-parts', { partNumber: 2, etag: 'etag-2-again', size: 7 });
      const parts = await store().listParts('u-parts', 0, 100);
      expect(parts.map((part) => [part.partNumber, part.etag, part.size])).toEqual([
        [1, 'etag-1', 100],
        [2, 'etag-2-again', 7],
        [3, 'etag-3', 300],
        [10, 'etag-10', 1000],
      ]);
      expect(parts[0]?.lastModified).toBeInstanceOf(Date);
      const page = await store().listParts('u-parts', 2, 2);
      expect(page.map((part) => part.partNumber)).toEqual([3, 10]);
      expect(await store().listParts('u-missing', 0, 100)).toEqual([]);
    });

    it('ignores a part of an upload that is gone', async () => {
      await store().savePart('u-gone', { partNumber: 1, etag: 'e', size: 1 });
      expect(await store().find('u-gone')).toBeUndefined();
      expect(await store().listParts('u-gone', 0, 10)).toEqual([]);
    });

    it('deletes an upload with its parts, once', async () => {
      await store().create(upload('u-delete'));
      await store().savePart('u-delete', { partNumber: 1, etag: 'e', size: 1 });
      expect(await store().delete('u-delete')).toBe(true);
      expect(await store().delete('u-delete')).toBe(false);
      expect(await store().find('u-delete')).toBeUndefined();
      expect(await store().listParts('u-delete', 0, 10)).toEqual([]);
    });

    describe('listing uploads', () => {
      // Byte order: upper case before lower case, UTF-8 after ASCII; two uploads of `b/x`.
      const listed: Array<[string, string, string | null]> = [
        ['l-1', 'B/upper', ALICE],
        ['l-2', 'a/first', null],
        ['l-4', 'b/x', ALICE],
        ['l-3', 'b/x', null],
        ['l-5', 'b/y%', ALICE],
        ['l-6', 'über', ALICE],
      ];
      beforeAll(async () => {
        for (const [id, key, ownerId] of listed) {
          await store().create(upload(id, { bucketId: 'listing', key, ownerId }));
        }
        await store().create(upload('l-elsewhere', { bucketId: 'other', key: 'a/first' }));
      });
      const list = async (query: Partial<Parameters<MultipartUploadStore['listUploads']>[0]> = {}) =>
        (await store().listUploads({ bucketId: 'listing', prefix: '', limit: 100, ...query })).map((each) => [
          each.key,
          each.id,
        ]);

      it('lists a bucket’s uploads in key order, then by id', async () => {
        expect(await list()).toEqual([
          ['B/upper', 'l-1'],
          ['a/first', 'l-2'],
          ['b/x', 'l-3'],
          ['b/x', 'l-4'],
          ['b/y%', 'l-5'],
          ['über', 'l-6'],
        ]);
        expect(await list({ limit: 2 })).toHaveLength(2);
      });

      it('filters by a literal prefix and by owner', async () => {
        expect(await list({ prefix: 'b/' })).toEqual([
          ['b/x', 'l-3'],
          ['b/x', 'l-4'],
          ['b/y%', 'l-5'],
        ]);
        expect(await list({ prefix: 'b/%' })).toEqual([]);
        expect(await list({ ownerId: null })).toEqual([
          ['a/first', 'l-2'],
          ['b/x', 'l-3'],
        ]);
        expect((await list({ ownerId: ALICE })).map(([, id]) => id)).toEqual(['l-1', 'l-4', 'l-5', 'l-6']);
      });

      it('starts after a key, or after a (key, upload id) pair', async () => {
        expect((await list({ keyMarker: 'b/x' })).map(([, id]) => id)).toEqual(['l-5', 'l-6']);
        expect((await list({ keyMarker: 'b/x', uploadIdMarker: 'l-3' })).map(([, id]) => id)).toEqual([
          'l-4',
          'l-5',
          'l-6',
        ]);
      });
    });

    describe('locks', () => {
      const options = (signal = new AbortController().signal) => ({ signal, onRequested: () => undefined });

      it('lets one holder at a time hold an upload, others in turn', async () => {
        const first = await store().lock('u-lock', options());
        const order: string[] = [];
        const second = store()
          .lock('u-lock', options())
          .then((lock) => {
            order.push('second');
            return lock;
          });
        const other = await store().lock('u-other', options());
        await new Promise((resolve) => setTimeout(resolve, 100));
        order.push('released');
        await first.release();
        await (await second).release();
        await other.release();
        expect(order).toEqual(['released', 'second']);
      });

      it('stops waiting when the signal aborts', async () => {
        const held = await store().lock('u-abort', options());
        const controller = new AbortController();
        const waiting = store().lock('u-abort', options(controller.signal));
        controller.abort(new Error('gone'));
        await expect(waiting).rejects.toThrow('gone');
        await held.release();
        await (await store().lock('u-abort', options())).release();
      });
    });
  });
}
