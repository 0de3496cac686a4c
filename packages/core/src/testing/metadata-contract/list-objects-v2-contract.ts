import type { ListObjectsV2Page, ListObjectsV2Query } from '../../domain/stored-object';
import { bucketWith, codeOf, namesOf, newObject, type StoreFixture } from './fixture';

type Options = Partial<Omit<ListObjectsV2Query, 'bucketId'>>;

export function listObjectsV2Contract(fixture: StoreFixture): void {
  const page = (bucketId: string, options: Options = {}): Promise<ListObjectsV2Page> =>
    fixture.run((tx) =>
      tx.listObjectsV2({
        bucketId,
        prefix: '',
        limit: 1000,
        withDelimiter: false,
        sortBy: { column: 'name', order: 'asc' },
        ...options,
      }),
    );
  const shape = async (bucketId: string, options: Options = {}) => {
    const { folders, objects, nextCursor } = await page(bucketId, options);
    return { folders, objects: namesOf(objects), more: nextCursor !== undefined };
  };
  /** Every entry of every page, following the cursor, as `folder/` or `key` (each page's folders first). */
  const walk = async (bucketId: string, options: Options, between?: (pages: number) => Promise<void>) => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let pages = 1; ; pages++) {
      const result = await page(bucketId, { ...options, cursor });
      seen.push(...result.folders.map((folder) => `${folder}/`), ...namesOf(result.objects));
      expect(result.folders.length + result.objects.length).toBeLessThanOrEqual(options.limit ?? 1000);
      if (result.nextCursor === undefined) return seen;
      cursor = result.nextCursor;
      await between?.(pages);
      if (pages > 100) throw new Error('the cursor never ends');
    }
  };

  describe('list v2', () => {
    const tree = [
      'z.txt',
      'docs/x.txt',
      'docs/2024/y.txt',
      'docs/2024/z.txt',
      'docs-old/p.txt',
      'images/logo.png',
      'a.txt',
    ];
    let bucketId: string;
    beforeAll(async () => {
      bucketId = await bucketWith(fixture, tree);
    });

    it('lists every key under a prefix in key order without the delimiter', async () => {
      expect(await shape(bucketId)).toEqual({
        folders: [],
        objects: [
          'a.txt',
          'docs-old/p.txt',
          'docs/2024/y.txt',
          'docs/2024/z.txt',
          'docs/x.txt',
          'images/logo.png',
          'z.txt',
        ],
        more: false,
      });
      expect((await shape(bucketId, { prefix: 'docs/' })).objects).toEqual([
        'docs/2024/y.txt',
        'docs/2024/z.txt',
        'docs/x.txt',
      ]);
      expect((await shape(bucketId, { prefix: 'docs' })).objects).toHaveLength(4);
    });

    it('rolls keys up into folders at the next slash with the delimiter, full keys without the slash', async () => {
      expect(await shape(bucketId, { withDelimiter: true })).toEqual({
        folders: ['docs-old', 'docs', 'images'],
        objects: ['a.txt', 'z.txt'],
        more: false,
      });
      expect(await shape(bucketId, { withDelimiter: true, prefix: 'docs/' })).toEqual({
        folders: ['docs/2024'],
        objects: ['docs/x.txt'],
        more: false,
      });
      expect((await shape(bucketId, { withDelimiter: true, prefix: 'docs' })).folders).toEqual([
        'docs-old',
        'docs',
      ]);
    });

    it('counts folders and files against the limit and pages through both', async () => {
      expect(await shape(bucketId, { withDelimiter: true, limit: 2 })).toEqual({
        folders: ['docs-old'],
        objects: ['a.txt'],
        more: true,
      });
      expect(await walk(bucketId, { withDelimiter: true, limit: 2 })).toEqual([
        'docs-old/',
        'a.txt',
        'docs/',
        'images/',
        'z.txt',
      ]);
    });

    it('says there is no next page when the last one is exactly full', async () => {
      expect(await shape(bucketId, { prefix: 'docs/', limit: 3 })).toMatchObject({ more: false });
      expect(await shape(bucketId, { prefix: 'docs/', limit: 2 })).toMatchObject({ more: true });
    });

    it('sorts by name in descending order, with and without the delimiter', async () => {
      expect(await walk(bucketId, { limit: 3, sortBy: { column: 'name', order: 'desc' } })).toEqual(
        [...(await shape(bucketId)).objects].reverse(),
      );
      expect(
        await walk(bucketId, { limit: 2, withDelimiter: true, sortBy: { column: 'name', order: 'desc' } }),
      ).toEqual(['images/', 'z.txt', 'docs/', 'docs-old/', 'a.txt']);
    });

    it('visits every key exactly once across pages of any size', async () => {
      const keys = Array.from(
        { length: 23 },
        (_, i) => `k/${String(i).padStart(2, '0')}/${i % 3 ? 'f' : 'g/h'}`,
      );
      const many = await bucketWith(fixture, [...keys].reverse());
      for (const limit of [1, 4, 7, 23, 50]) {
        expect(await walk(many, { limit, prefix: 'k/' })).toEqual([...keys].sort());
        const folders = await walk(many, { limit, prefix: 'k/', withDelimiter: true });
        expect(folders).toEqual(keys.map((key) => `${key.slice(0, 4)}/`).sort());
      }
    });

    it('stays stable when rows are inserted between pages', async () => {
      const keys = ['k01', 'k02', 'k03', 'k04', 'k05', 'k06'];
      const growing = await bucketWith(fixture, keys);
      const seen = await walk(growing, { limit: 2 }, async (pages) => {
        if (pages !== 1) return;
        await fixture.run((tx) => tx.insertObject(newObject(growing, 'k00')));
        await fixture.run((tx) => tx.insertObject(newObject(growing, 'k025')));
      });
      expect(seen).toEqual(['k01', 'k02', 'k025', 'k03', 'k04', 'k05', 'k06']);
    });

    it('sorts by dates, folders first by name, and pages through them', async () => {
      const dated = await bucketWith(fixture, ['c.txt', 'f/1', 'a.txt', 'e/1', 'b.txt'], { spacedMs: 5 });
      const options = (order: 'asc' | 'desc'): Options => ({
        withDelimiter: true,
        limit: 2,
        sortBy: { column: 'created_at', order },
      });
      expect(await walk(dated, options('asc'))).toEqual(['e/', 'f/', 'c.txt', 'a.txt', 'b.txt']);
      expect(await walk(dated, options('desc'))).toEqual(['f/', 'e/', 'b.txt', 'a.txt', 'c.txt']);
      expect(await walk(dated, { limit: 2, sortBy: { column: 'updated_at', order: 'asc' } })).toEqual([
        'c.txt',
        'f/1',
        'a.txt',
        'e/1',
        'b.txt',
      ]);
    });

    it('starts after a key (S3 start-after and marker); a folder ending in / is skipped whole', async () => {
      expect(await shape(bucketId, { startAfter: 'docs/2024/y.txt' })).toEqual({
        folders: [],
        objects: ['docs/2024/z.txt', 'docs/x.txt', 'images/logo.png', 'z.txt'],
        more: false,
      });
      expect(await shape(bucketId, { startAfter: 'docs-old/p.txt', withDelimiter: true })).toEqual({
        folders: ['docs', 'images'],
        objects: ['z.txt'],
        more: false,
      });
      expect(await shape(bucketId, { startAfter: 'docs/', withDelimiter: true })).toEqual({
        folders: ['images'],
        objects: ['z.txt'],
        more: false,
      });
      expect(
        await shape(bucketId, { prefix: 'docs/', startAfter: 'docs/2024/', withDelimiter: true }),
      ).toEqual({
        folders: [],
        objects: ['docs/x.txt'],
        more: false,
      });
    });

    it('refuses a cursor it did not make, or made for another sort', async () => {
      const { nextCursor } = await page(bucketId, { limit: 1 });
      expect(await codeOf(page(bucketId, { cursor: 'not a cursor' }))).toBe('InvalidRequest');
      const otherSort = page(bucketId, {
        cursor: nextCursor,
        sortBy: { column: 'created_at', order: 'asc' },
      });
      expect(await codeOf(otherSort)).toBe('InvalidRequest');
    });

    it('treats % _ and \\ in prefixes literally, and lists Unicode keys', async () => {
      const odd = await bucketWith(fixture, [
        '100%/a',
        '100x/b',
        'a_b',
        'axb',
        'b\\c/d',
        'bxc/e',
        'über/灯泡.jpeg',
      ]);
      expect((await shape(odd, { prefix: '100%' })).objects).toEqual(['100%/a']);
      expect((await shape(odd, { prefix: 'a_' })).objects).toEqual(['a_b']);
      expect((await shape(odd, { prefix: 'b\\' })).objects).toEqual(['b\\c/d']);
      expect((await shape(odd, { prefix: '%' })).objects).toEqual([]);
      expect(await shape(odd, { prefix: 'ü', withDelimiter: true })).toMatchObject({ folders: ['über'] });
    });
  });
}
