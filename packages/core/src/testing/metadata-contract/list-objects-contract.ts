import type { ListObjectsQuery } from '../../domain/stored-object';
import { listedObject } from '../memory-object-listing';
import { bucketWith, newObject, type StoreFixture, sleep } from './fixture';

type Options = Partial<Omit<ListObjectsQuery, 'bucketId'>>;

export function listObjectsContract(fixture: StoreFixture): void {
  const list = (bucketId: string, options: Options = {}) =>
    fixture.run((tx) =>
      tx.listObjects({
        bucketId,
        prefix: '',
        limit: 100,
        offset: 0,
        sortBy: { column: 'name', order: 'asc' },
        ...options,
      }),
    );
  const names = (bucketId: string, options: Options = {}) =>
    list(bucketId, options).then((entries) => entries.map((entry) => entry.name));

  describe('list v1', () => {
    const tree = [
      'b.txt',
      'docs/x.txt',
      'docs/2024/y.txt',
      'docs/2024/z.txt',
      'docs/2025/q.txt',
      'docs/readme.md',
      'docs-old/p.txt',
      'images/logo.png',
      'Zeta.txt',
      'a.txt',
    ];
    let bucketId: string;
    beforeAll(async () => {
      bucketId = await bucketWith(fixture, tree);
    });

    it('lists the folders once, first, in key order (as `name/`), then the files directly under the root', async () => {
      expect(await names(bucketId)).toEqual(['docs-old', 'docs', 'images', 'Zeta.txt', 'a.txt', 'b.txt']);
    });

    it('gives files their row and folders none', async () => {
      const entries = await list(bucketId);
      const docs = entries.find((entry) => entry.name === 'docs');
      const file = entries.find((entry) => entry.name === 'a.txt');
      expect(docs).toEqual({ name: 'docs', object: null });
      const row = await fixture.run((tx) => tx.findObject(bucketId, 'a.txt'));
      expect(file?.object).toEqual(row && listedObject(row));
    });

    it('lists a folder with or without its trailing slash, names relative to it', async () => {
      expect(await names(bucketId, { prefix: 'docs' })).toEqual(['2024', '2025', 'readme.md', 'x.txt']);
      expect(await names(bucketId, { prefix: 'docs/' })).toEqual(['2024', '2025', 'readme.md', 'x.txt']);
      expect(await names(bucketId, { prefix: 'docs/2024' })).toEqual(['y.txt', 'z.txt']);
      const [entry] = await list(bucketId, { prefix: 'docs/2024/' });
      expect(entry?.object?.name).toBe('docs/2024/y.txt');
    });

    it('treats the prefix as a folder, not as the start of a name', async () => {
      expect(await names(bucketId, { prefix: 'doc' })).toEqual([]);
      expect(await names(bucketId, { prefix: 'missing' })).toEqual([]);
    });

    it('pages with limit and offset across folders and files', async () => {
      expect(await names(bucketId, { limit: 2 })).toEqual(['docs-old', 'docs']);
      expect(await names(bucketId, { limit: 2, offset: 2 })).toEqual(['images', 'Zeta.txt']);
      expect(await names(bucketId, { limit: 2, offset: 5 })).toEqual(['b.txt']);
      expect(await names(bucketId, { offset: 6 })).toEqual([]);
    });

    it('sorts folders and files by name in descending order', async () => {
      expect(await names(bucketId, { sortBy: { column: 'name', order: 'desc' } })).toEqual([
        'images',
        'docs',
        'docs-old',
        'b.txt',
        'a.txt',
        'Zeta.txt',
      ]);
    });

    it('searches the names relative to the prefix, case-insensitively, from their start', async () => {
      expect(await names(bucketId, { search: 'DO' })).toEqual(['docs-old', 'docs']);
      expect(await names(bucketId, { search: 'z' })).toEqual(['Zeta.txt']);
      expect(await names(bucketId, { search: 'txt' })).toEqual([]);
      expect(await names(bucketId, { prefix: 'docs', search: '2' })).toEqual(['2024', '2025']);
      expect(await names(bucketId, { prefix: 'docs', search: 'R' })).toEqual(['readme.md']);
    });

    it('sorts files by their dates, folders first by name', async () => {
      const dated = await bucketWith(fixture, ['c.txt', 'f/1', 'a.txt', 'e/1', 'b.txt'], { spacedMs: 5 });
      const by = (column: 'created_at' | 'updated_at' | 'last_accessed_at', order: 'asc' | 'desc') =>
        names(dated, { sortBy: { column, order } });
      expect(await by('created_at', 'asc')).toEqual(['e', 'f', 'c.txt', 'a.txt', 'b.txt']);
      expect(await by('created_at', 'desc')).toEqual(['f', 'e', 'b.txt', 'a.txt', 'c.txt']);
      expect(await by('last_accessed_at', 'asc')).toEqual(['e', 'f', 'c.txt', 'a.txt', 'b.txt']);
      await sleep(5);
      await fixture.run((tx) => tx.upsertObject(newObject(dated, 'c.txt')));
      expect(await by('updated_at', 'asc')).toEqual(['e', 'f', 'a.txt', 'b.txt', 'c.txt']);
      expect(await by('updated_at', 'desc')).toEqual(['f', 'e', 'c.txt', 'b.txt', 'a.txt']);
      expect(await by('created_at', 'asc')).toEqual(['e', 'f', 'c.txt', 'a.txt', 'b.txt']);
    });

    it('lists a name that is both a file and a folder as both', async () => {
      const both = await bucketWith(fixture, ['dup', 'dup/x', 'dup/y']);
      const entries = await list(both);
      expect(entries.map((entry) => [entry.name, entry.object === null])).toEqual([
        ['dup', true],
        ['dup', false],
      ]);
    });

    it('treats % _ and \\ in names, prefixes and searches literally', async () => {
      const odd = await bucketWith(fixture, [
        '100%/a.txt',
        '100x/b.txt',
        'a_b.txt',
        'axb.txt',
        'back\\slash/c.txt',
        'backxslash/d.txt',
      ]);
      expect(await names(odd, { prefix: '100%' })).toEqual(['a.txt']);
      expect(await names(odd, { prefix: '100_' })).toEqual([]);
      expect(await names(odd, { prefix: 'back\\slash' })).toEqual(['c.txt']);
      expect(await names(odd, { search: 'a_' })).toEqual(['a_b.txt']);
      expect(await names(odd, { search: '100%' })).toEqual(['100%']);
      expect(await names(odd, { search: '%' })).toEqual([]);
      expect(await names(odd, { search: 'back\\' })).toEqual(['back\\slash']);
    });

    it('lists Unicode folders and names', async () => {
      const unicode = await bucketWith(fixture, ['über/灯泡.jpeg', 'über/ß.txt', 'ünder.txt']);
      expect(await names(unicode)).toEqual(['über', 'ünder.txt']);
      expect(await names(unicode, { prefix: 'über' })).toEqual(['ß.txt', '灯泡.jpeg']);
    });
  });
}
