import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  blobStoreContract,
  bodyOf,
  expectStorageError,
  failingBody,
  md5Hex,
  readAll,
  rejectionOf,
} from '@stowage/core/testing';
import { FsBlobStore } from '../src';

blobStoreContract('FsBlobStore', async () => {
  const root = await mkdtemp(join(tmpdir(), 'stowage-fs-'));
  return { store: new FsBlobStore({ root }), cleanup: () => rm(root, { recursive: true, force: true }) };
});

/** Every file and directory under `dir`, as sorted paths relative to it. */
async function listTree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true }).catch(() => []);
  return entries.sort();
}

describe('FsBlobStore on disk', () => {
  let parent: string;
  let root: string;
  let store: FsBlobStore;
  const content = async (key: string) => (await readAll(await store.get(key))).toString();

  beforeEach(async () => {
    parent = await mkdtemp(join(tmpdir(), 'stowage-fs-disk-'));
    root = join(parent, 'root');
    store = new FsBlobStore({ root });
  });
  afterEach(() => rm(parent, { recursive: true, force: true }));

  describe('keys that could escape the root', () => {
    it.each([
      ['..'],
      ['../outside'],
      ['a/../../outside'],
      ['a/..'],
      ['.'],
      ['a/./b'],
      ['%2e%2e/outside'],
      ['%2E%2e/outside'],
      ['.%2e/outside'],
      ['%252e%252E/outside'],
      ['a/%2e'],
      ['/etc/passwd'],
      ['/absolute'],
      ['a\\..\\..\\outside'],
      ['..\\outside'],
      ['nul\u0000/x'],
      ['x/nul\u0000'],
      ['ctl\u0001x'],
      ['a//b'],
      ['a/'],
      [''],
      ['lone \ud800 surrogate'],
    ])('refuses %j in every operation with InvalidKey, creating nothing', async (key) => {
      await store.put('fine', bodyOf('fine'));
      const attempts = [
        store.put(key, bodyOf('escaped')),
        store.get(key),
        store.get(key, { start: 0, end: 0 }),
        store.head(key),
        store.delete(['fine', key]),
        store.copy('fine', key),
        store.copy(key, 'fine'),
        store.createMultipartUpload(key),
        store.uploadPart(key, crypto.randomUUID(), 1, bodyOf('part')),
        store.completeMultipartUpload(key, crypto.randomUUID(), [{ partNumber: 1, etag: 'x' }]),
        store.abortMultipartUpload(key, crypto.randomUUID()),
      ];
      for (const attempt of attempts) await expectStorageError(attempt, 'InvalidKey');
      expect(await content('fine')).toBe('fine');
      expect(await listTree(parent)).toEqual(['root', 'root/fine', 'root/~mfine', 'root/~tmp']);
    });

    it('refuses an upload id that is a path', async () => {
      const id = await store.createMultipartUpload('fine');
      for (const uploadId of ['../../outside', `${id}/..`, '.', '']) {
        await expectStorageError(store.uploadPart('fine', uploadId, 1, bodyOf('part')), 'NoSuchUpload');
      }
      expect((await listTree(parent)).filter((path) => !path.startsWith('root/~'))).toEqual(['root']);
    });
  });

  describe('atomic writes', () => {
    it('shows nothing at a key while its body is still streaming', async () => {
      const body = new PassThrough();
      const putting = store.put('slow.bin', body);
      body.write(Buffer.alloc(1024 * 1024, 'a'));
      await sleep(100);
      expect(await store.head('slow.bin')).toBeUndefined();
      await expectStorageError(store.get('slow.bin'), 'NoSuchKey');
      body.end(Buffer.alloc(1024, 'b'));
      expect(await putting).toMatchObject({ size: 1024 * 1024 + 1024 });
    });

    it('lets a reader of the old blob finish it while a new one replaces it', async () => {
      await store.put('swap.txt', bodyOf('old '.repeat(100_000)));
      const reading = await store.get('swap.txt');
      await store.put('swap.txt', bodyOf('new'));
      expect((await readAll(reading)).toString()).toBe('old '.repeat(100_000));
      expect(await content('swap.txt')).toBe('new');
    });

    it('leaves no temporary file, and the old blob, when a body fails', async () => {
      await store.put('kept/blob.txt', bodyOf('precious'));
      const error = new Error('client went away');
      expect(await rejectionOf(store.put('kept/blob.txt', failingBody(error)))).toBe(error);
      expect(await rejectionOf(store.put('lost/blob.txt', failingBody(error)))).toBe(error);
      expect(await content('kept/blob.txt')).toBe('precious');
      expect(await listTree(root)).toEqual(['kept', 'kept/blob.txt', 'kept/~mblob.txt', '~tmp']);
    });
  });

  describe('long key segments', () => {
    const names = async () => (await listTree(root)).map((path) => path.split('/').at(-1) ?? '');

    it('keeps a segment of up to 255 bytes as its file name', async () => {
      await store.put(`dir/${'x'.repeat(255)}`, bodyOf('short enough'));
      expect(await listTree(root)).toContain(`dir/${'x'.repeat(255)}`);
    });

    it('maps a longer segment to a name that fits, the same for every store on the root', async () => {
      const key = `${'é'.repeat(300)}/${'y'.repeat(1000)}`;
      await store.put(key, bodyOf('long'));
      for (const name of await names()) expect(Buffer.byteLength(name)).toBeLessThanOrEqual(255);
      expect(await content(key)).toBe('long');
      expect(await readAll(await new FsBlobStore({ root }).get(key))).toEqual(Buffer.from('long'));
    });

    it('never confuses a key with the names the store makes up', async () => {
      const long = 'z'.repeat(300);
      await store.put(`made-up/${long}`, bodyOf('long'));
      await store.put('made-up/short', bodyOf('short'));
      const madeUp = (await names()).filter((name) => name.startsWith('~'));
      expect(madeUp.length).toBeGreaterThan(0);
      for (const name of madeUp) await store.put(`made-up/${name}`, bodyOf(name));
      for (const key of ['~tmp', '~uploads/x', '~~x']) await store.put(key, bodyOf(key));

      expect(await content(`made-up/${long}`)).toBe('long');
      expect(await content('made-up/short')).toBe('short');
      for (const name of madeUp) expect(await content(`made-up/${name}`)).toBe(name);
      for (const key of ['~tmp', '~uploads/x', '~~x']) expect(await content(key)).toBe(key);
    });
  });

  describe('directories', () => {
    it('prunes the directories a delete leaves empty, up to the root', async () => {
      await store.put('a/b/c/version', bodyOf('deep'));
      await store.put('a/sibling', bodyOf('stays'));
      await store.delete(['a/b/c/version']);
      expect(await listTree(root)).toEqual(['a', 'a/sibling', 'a/~msibling', '~tmp']);
      await store.delete(['a/sibling']);
      expect(await listTree(root)).toEqual(['~tmp']);
    });

    it('never fails a put racing a delete that prunes its directory', async () => {
      // Writers that each put then delete in one directory, so it empties and is pruned all the time.
      const writer = async (name: string) => {
        for (let round = 0; round < 40; round++) {
          await store.put(`race/a/b/c/${name}`, bodyOf(name));
          expect(await content(`race/a/b/c/${name}`)).toBe(name);
          await store.delete([`race/a/b/c/${name}`]);
        }
      };
      await Promise.all(Array.from({ length: 16 }, (_, index) => writer(`writer-${index}`)));
      expect(await listTree(root)).toEqual(['~tmp']);
    });

    it('makes its temporary directory again when something removed it', async () => {
      await store.put('before.txt', bodyOf('before'));
      await rm(join(root, '~tmp'), { recursive: true });
      await store.put('after.txt', bodyOf('after'));
      expect(await content('after.txt')).toBe('after');
      expect(await listTree(root)).toEqual([
        'after.txt',
        'before.txt',
        '~mafter.txt',
        '~mbefore.txt',
        '~tmp',
      ]);
    });

    it('refuses a key whose folder is another key’s blob, and the reverse', async () => {
      await store.put('c/a', bodyOf('a blob'));
      await expectStorageError(store.put('c/a/b', bodyOf('under a blob')), 'InvalidKey');
      await store.put('d/a/b', bodyOf('in a folder'));
      await expectStorageError(store.put('d/a', bodyOf('over a folder')), 'InvalidKey');
      expect(await content('c/a')).toBe('a blob');
      expect(await content('d/a/b')).toBe('in a folder');
      expect(await readdir(join(root, '~tmp'))).toEqual([]);
    });
  });

  describe('reads around the first read of 64 KiB', () => {
    const bytes = (size: number) => Buffer.from(Array.from({ length: size }, (_, i) => (i * 7) % 251));

    it.each([0, 1, 65_535, 65_536, 65_537, 200_000, 327_680, 327_681, 1_000_000])(
      'reads a blob of %d bytes whole',
      async (size) => {
        await store.put('k', bodyOf(bytes(size)));
        expect((await readAll(await store.get('k'))).equals(bytes(size))).toBe(true);
      },
    );

    it.each([
      [0, 65_535],
      [0, 65_536],
      [65_530, 65_545],
      [10, 199_999],
      [65_536, 65_536],
      [150_000, 199_999],
      [1, 599_999],
      [327_679, 327_681],
    ])('reads the range %d-%d of a 600,000-byte blob', async (start, end) => {
      await store.put('k', bodyOf(bytes(600_000)));
      const read = await readAll(await store.get('k', { start, end }));
      expect(read.equals(bytes(600_000).subarray(start, end + 1))).toBe(true);
    });

    it('answers NoSuchKey for a key that is a folder of other keys', async () => {
      await store.put('folder/inner', bodyOf('x'));
      await expectStorageError(store.get('folder'), 'NoSuchKey');
    });

    it('leaves no descriptor open after whole reads, ranges, streams read or dropped, and failures', async () => {
      await store.put('small', bodyOf(bytes(1000)));
      await store.put('large', bodyOf(bytes(200_000)));
      await store.put('folder/inner', bodyOf('x'));
      const openDescriptors = async () => (await readdir('/proc/self/fd')).length;
      const before = await openDescriptors();
      for (let i = 0; i < 20; i++) {
        await readAll(await store.get('small'));
        await readAll(await store.get('large', { start: 10, end: 100_000 }));
        await readAll(await store.get('large'));
        const dropped = await store.get('large');
        dropped.destroy();
        await new Promise((resolve) => dropped.once('close', resolve));
        await expectStorageError(store.get('folder'), 'NoSuchKey');
        await expectStorageError(store.get('missing'), 'NoSuchKey');
      }
      expect(await openDescriptors()).toBe(before);
    });
  });

  describe('etags', () => {
    it('computes the etag of a file another tool wrote', async () => {
      await mkdir(join(root, 'stub', 'bucket'), { recursive: true });
      await writeFile(join(root, 'stub', 'bucket', 'imported.txt'), 'from elsewhere');
      const head = await store.head('stub/bucket/imported.txt');
      expect(head).toMatchObject({ size: 14, etag: md5Hex(Buffer.from('from elsewhere')) });
    });

    it('ignores a recorded etag once the file has changed under it', async () => {
      await store.put('changed.txt', bodyOf('before'));
      await writeFile(join(root, 'changed.txt'), 'after, by hand');
      expect(await store.head('changed.txt')).toMatchObject({ etag: md5Hex(Buffer.from('after, by hand')) });
    });

    it('ignores a recorded etag cut short, as a crash while writing it in place leaves it', async () => {
      await store.put('cut.txt', bodyOf('whole'));
      const sidecar = join(root, '~mcut.txt');
      const recorded = await readFile(sidecar, 'utf8');
      await writeFile(sidecar, recorded.slice(0, recorded.length / 2));
      expect(await store.head('cut.txt')).toMatchObject({ size: 5, etag: md5Hex(Buffer.from('whole')) });
    });

    it('keeps a multipart etag for later heads', async () => {
      const id = await store.createMultipartUpload('parts.bin');
      const part = await store.uploadPart('parts.bin', id, 1, bodyOf('one part'));
      const done = await store.completeMultipartUpload('parts.bin', id, [{ partNumber: 1, etag: part.etag }]);
      expect(done.etag).toMatch(/-1$/);
      expect(await new FsBlobStore({ root }).head('parts.bin')).toMatchObject(done);
      expect(await readdir(join(root, '~uploads'))).toEqual([]);
    });
  });
});
