import type { BlobStore } from '../ports/blob-store';
import {
  bodyOf,
  EMPTY_MD5,
  expectStorageError,
  failingBody,
  md5Hex,
  readAll,
  rejectionOf,
} from './blob-store-contract-fixtures';
import { largeObjectContract } from './blob-store-large-object-contract';
import { multipartContract } from './blob-store-multipart-contract';

/** What an adapter's test hands the suite: a fresh store, and how to tidy up after it. */
export type BlobStoreFactory = () => Promise<{ store: BlobStore; cleanup?: () => Promise<void> }>;

export interface BlobStoreContractOptions {
  /** Size of the object streamed through put and get with flat memory; 1 GiB unless a backend is slow. */
  readonly largeObjectBytes?: number;
}

/**
 * The behaviour every BlobStore adapter must show, as a jest suite: an adapter's test calls it with a
 * factory for its store and adds only what is specific to it.
 */
export function blobStoreContract(
  name: string,
  makeStore: BlobStoreFactory,
  options: BlobStoreContractOptions = {},
): void {
  describe(`${name} (BlobStore contract)`, () => {
    let store: BlobStore;
    let cleanup: (() => Promise<void>) | undefined;
    const run = crypto.randomUUID();
    const key = (path: string) => `${run}/${path}`;
    const content = async (at: string) => (await readAll(await store.get(at))).toString();

    beforeAll(async () => {
      ({ store, cleanup } = await makeStore());
    });
    afterAll(async () => {
      await cleanup?.();
    });

    describe('put and get', () => {
      it('returns the size and hex MD5 of what it stored, and the ETag its write answered with', async () => {
        const info = await store.put(key('hello.txt'), bodyOf('hello ', 'world'));
        expect(info).toMatchObject({ size: 11, etag: md5Hex(Buffer.from('hello world')) });
        expect(await content(key('hello.txt'))).toBe('hello world');
        expect((await store.head(key('hello.txt')))?.etag).toBe(info.storedEtag ?? info.etag);
      });

      it.each([
        ['the first byte', 0, 0, '0'],
        ['the last byte', 15, 15, 'f'],
        ['the middle', 3, 7, '34567'],
        ['the whole blob', 0, 15, '0123456789abcdef'],
      ])('reads a range: %s', async (_, start, end, expected) => {
        await store.put(key('range.txt'), bodyOf('0123456789abcdef'));
        const read = await readAll(await store.get(key('range.txt'), { start, end }));
        expect(read.toString()).toBe(expected);
      });

      it('stores an empty blob', async () => {
        expect(await store.put(key('empty'), bodyOf())).toMatchObject({ size: 0, etag: EMPTY_MD5 });
        expect(await store.head(key('empty'))).toMatchObject({ size: 0, etag: EMPTY_MD5 });
        expect((await readAll(await store.get(key('empty')))).length).toBe(0);
      });

      it('replaces a blob written again at the same key', async () => {
        await store.put(key('again.txt'), bodyOf('first'));
        await store.put(key('again.txt'), bodyOf('second'));
        expect(await content(key('again.txt'))).toBe('second');
      });

      it('refuses to read a missing blob with NoSuchKey', async () => {
        await expectStorageError(store.get(key('missing')), 'NoSuchKey');
        await expectStorageError(store.get(key('missing'), { start: 0, end: 0 }), 'NoSuchKey');
      });
    });

    describe('a put whose body fails', () => {
      it('rejects with the body’s error and leaves nothing', async () => {
        const error = new Error('client went away');
        expect(await rejectionOf(store.put(key('failed.bin'), failingBody(error)))).toBe(error);
        expect(await store.head(key('failed.bin'))).toBeUndefined();
        await expectStorageError(store.get(key('failed.bin')), 'NoSuchKey');
      });

      it('leaves an existing blob at that key intact', async () => {
        const before = await store.put(key('kept.txt'), bodyOf('precious'));
        const error = new Error('client went away');
        expect(await rejectionOf(store.put(key('kept.txt'), failingBody(error)))).toBe(error);
        expect(await content(key('kept.txt'))).toBe('precious');
        expect(await store.head(key('kept.txt'))).toMatchObject({ size: before.size, etag: before.etag });
      });
    });

    describe('head', () => {
      it('describes a blob', async () => {
        const before = Date.now();
        await store.put(key('head.txt'), bodyOf('twelve bytes'));
        const head = await store.head(key('head.txt'));
        expect(head).toMatchObject({ size: 12, etag: md5Hex(Buffer.from('twelve bytes')) });
        expect(head?.lastModified).toBeInstanceOf(Date);
        expect(Math.abs((head?.lastModified.getTime() ?? 0) - before)).toBeLessThan(60_000);
      });

      it('is undefined for a missing blob', async () => {
        expect(await store.head(key('nothing/here'))).toBeUndefined();
      });

      it('describes many blobs at once, in the order asked, undefined where missing', async () => {
        const names = [
          'many/a',
          'many/b b',
          'many/ü+%&=.txt',
          `many/${'long'.repeat(80)}`,
          'many/in/c',
          'more/d',
        ];
        for (const name of names) await store.put(key(name), bodyOf(name));
        const asked = [
          key('many/0'),
          ...names.map(key).reverse(),
          key('many/a'),
          key('many/in'),
          key('zz/x'),
        ];
        const described = (heads: readonly ({ size: number; etag: string } | undefined)[]) =>
          heads.map((head) => head && { size: head.size, etag: head.etag });
        const heads = await store.headMany(asked);
        expect(described(heads)).toEqual(described(await Promise.all(asked.map((at) => store.head(at)))));
        expect(heads.filter(Boolean)).toHaveLength(names.length + 1);
        expect(await store.headMany([])).toEqual([]);
      });
    });

    describe('delete', () => {
      it('deletes many blobs, ignoring missing ones', async () => {
        await store.put(key('del/a'), bodyOf('a'));
        await store.put(key('del/b'), bodyOf('b'));
        await store.put(key('del/c'), bodyOf('c'));
        await store.delete([key('del/a'), key('del/missing'), key('del/b')]);
        expect(await store.head(key('del/a'))).toBeUndefined();
        expect(await store.head(key('del/b'))).toBeUndefined();
        expect(await content(key('del/c'))).toBe('c');
        await store.delete([]);
      });

      it('deletes every blob under a folder of keys, and nothing beside it', async () => {
        for (const name of ['tree/x/1', 'tree/x/2/deep', 'tree/x/~3', 'tree/xy', 'tree/y/1']) {
          await store.put(key(name), bodyOf(name));
        }
        await store.deletePrefix(key('tree/x/'));
        for (const gone of ['tree/x/1', 'tree/x/2/deep', 'tree/x/~3']) {
          expect(await store.head(key(gone))).toBeUndefined();
        }
        expect(await content(key('tree/xy'))).toBe('tree/xy');
        expect(await content(key('tree/y/1'))).toBe('tree/y/1');
        await store.deletePrefix(key('tree/none/'));
        await store.deletePrefix(key('tree/xy/'));
        expect(await content(key('tree/xy'))).toBe('tree/xy');
      });
    });

    describe('copy', () => {
      it('copies a blob server-side into an independent one', async () => {
        const { size, etag } = await store.put(key('copy/source'), bodyOf('copied bytes'));
        expect(await store.copy(key('copy/source'), key('copy/target'))).toEqual({ size, etag });
        await store.delete([key('copy/source')]);
        expect(await content(key('copy/target'))).toBe('copied bytes');
        expect(await store.head(key('copy/target'))).toMatchObject({ size, etag });
      });

      it('refuses to copy a missing blob with NoSuchKey', async () => {
        await expectStorageError(store.copy(key('copy/missing'), key('copy/nowhere')), 'NoSuchKey');
        expect(await store.head(key('copy/nowhere'))).toBeUndefined();
      });
    });

    describe('keys', () => {
      const unusual = [
        'über/灯泡.jpeg',
        'emoji 🎉/файл.txt',
        'with space/a b.txt',
        'signs/+&=?#;,@!$.txt',
        'percent/100% sure %20 %2F %zz.txt',
        `quotes/"double" and 'single'.txt`,
        '~tilde/.hidden/a..b',
      ];
      it.each(unusual)('round-trips %j', async (path) => {
        await store.put(key(path), bodyOf(path));
        expect(await content(key(path))).toBe(path);
        expect(await store.head(key(path))).toMatchObject({ size: Buffer.byteLength(path) });
      });

      it('keeps keys apart that an encoder might confuse', async () => {
        const lookalikes = ['look/a b', 'look/a+b', 'look/a%20b', 'look/A b', 'look/a%2Bb'];
        for (const path of lookalikes) await store.put(key(path), bodyOf(path));
        for (const path of lookalikes) expect(await content(key(path))).toBe(path);
      });

      it.each([
        ['a 255-byte segment', 'a'.repeat(255)],
        ['a 256-byte segment', 'b'.repeat(256)],
        ['a 1000-byte segment', 'c'.repeat(1000)],
        ['a 1000-byte segment of two-byte characters', 'é'.repeat(500)],
        ['two long segments making 1024 bytes', `${'d'.repeat(500)}/${'e'.repeat(523)}`],
      ])('stores a key with %s', async (_, path) => {
        await store.put(key(`long/${path}`), bodyOf(path));
        expect(await content(key(`long/${path}`))).toBe(path);
      });

      it('keeps long segments with a common prefix apart', async () => {
        const stem = 'p'.repeat(400);
        await store.put(key(`long/${stem}1`), bodyOf('one'));
        await store.put(key(`long/${stem}2`), bodyOf('two'));
        await store.put(key(`long/${stem}/${stem}3`), bodyOf('three'));
        expect(await content(key(`long/${stem}1`))).toBe('one');
        expect(await content(key(`long/${stem}2`))).toBe('two');
        expect(await content(key(`long/${stem}/${stem}3`))).toBe('three');
      });
    });

    multipartContract(() => store, key, content);
    largeObjectContract(() => store, key, options.largeObjectBytes ?? 2 ** 30);
  });
}
