import { createHash } from 'node:crypto';
import { fdatasync } from 'node:fs';
import { mkdtemp, open, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { md5Hex, readAll, rejectionOf } from '@stowage/core/testing';
import { FsBlobStore } from '../src';
import { BatchedFileWriter } from '../src/batched-file-writer';
import { FLUSH_EVERY, type Flush, WriteBehind } from '../src/write-behind';

const KIB = 1024;

/** `count` chunks of `size` bytes, each filled with its own index, then an end or `failure`. */
function chunks(count: number, size: number, failure?: Error): Readable {
  return Readable.from(
    (function* () {
      for (let i = 0; i < count; i++) yield Buffer.alloc(size, i % 251);
      if (failure) throw failure;
    })(),
  );
}

describe('WriteBehind', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stowage-write-behind-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  /**
   * Streams `source` into a new file, 2 KiB per write, through a WriteBehind flushing every 4 KiB with
   * `flush`.
   */
  async function writeThrough(source: Readable, flush: Flush) {
    const handle = await open(join(dir, 'blob'), 'wx');
    const writes = new WriteBehind(handle.fd, 4 * KIB, flush);
    try {
      await pipeline(source, new BatchedFileWriter(handle.fd, writes.writev, 2 * KIB));
      await writes.sync();
    } finally {
      await writes.settled();
      await handle.close();
    }
  }

  it('flushes while the bytes arrive, one flush at a time, and writes them all', async () => {
    let ended = false;
    let flushes = 0;
    let flushesBeforeEnd = 0;
    let running = 0;
    let overlapped = false;
    const counted: Flush = (fd, callback) => {
      flushes++;
      if (!ended) flushesBeforeEnd++;
      overlapped ||= running > 0;
      running++;
      fdatasync(fd, (error) => {
        running--;
        callback(error);
      });
    };
    const slowly = Readable.from(
      (async function* () {
        for await (const chunk of chunks(64, KIB)) {
          yield chunk;
          await sleep(1);
        }
        ended = true;
      })(),
    );
    await writeThrough(slowly, counted);
    expect(flushesBeforeEnd).toBeGreaterThanOrEqual(1);
    expect(flushes).toBeLessThanOrEqual(16);
    expect(overlapped).toBe(false);
    expect(md5Hex(await readFile(join(dir, 'blob')))).toBe(md5Hex(await readAll(chunks(64, KIB))));
  });

  it('fails the sync with a background flush’s error, after waiting for it', async () => {
    const lost = Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
    const failing: Flush = (_fd, callback) => setTimeout(() => callback(lost), 20);
    expect(await rejectionOf(writeThrough(chunks(8, KIB), failing))).toBe(lost);
  });

  it('never flushes a small blob before its final sync', async () => {
    let flushes = 0;
    await writeThrough(chunks(3, KIB), (fd, callback) => {
      flushes++;
      fdatasync(fd, callback);
    });
    expect(flushes).toBe(0);
  });
});

describe('FsBlobStore with blobs larger than a flush', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'stowage-fs-large-'));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  const count = (2.5 * FLUSH_EVERY) / (64 * KIB);

  it('stores every byte, with the MD5 of them all', async () => {
    const store = new FsBlobStore({ root });
    const expected = createHash('md5');
    for await (const chunk of chunks(count, 64 * KIB)) expected.update(chunk);
    const info = await store.put('large.bin', chunks(count, 64 * KIB));
    expect(info).toEqual({ size: 2.5 * FLUSH_EVERY, etag: expected.digest('hex') });
    expect((await store.head('large.bin'))?.size).toBe(2.5 * FLUSH_EVERY);
  });

  it('leaves nothing behind when the body fails after flushes began', async () => {
    const store = new FsBlobStore({ root });
    const error = new Error('client went away');
    expect(await rejectionOf(store.put('large.bin', chunks(count, 64 * KIB, error)))).toBe(error);
    expect(await store.head('large.bin')).toBeUndefined();
    expect(await readdir(root, { recursive: true })).toEqual(['~tmp']);
  });
});
