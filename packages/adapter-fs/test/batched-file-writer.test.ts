import { fstatSync, writev } from 'node:fs';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { rejectionOf } from '@stowage/core/testing';
import { BatchedFileWriter, type WriteChunks } from '../src/batched-file-writer';

const KIB = 1024;

/** `count` chunks of `size` bytes, each filled with its own index. */
const chunks = (count: number, size: number) =>
  Array.from({ length: count }, (_, i) => Buffer.alloc(size, i % 251));

describe('BatchedFileWriter', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stowage-batched-writer-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  /** Streams `body` into a new file through a writer gathering `batch` bytes with `write`. */
  async function writeFile(body: Buffer[], write: WriteChunks, batch: number) {
    const handle = await open(join(dir, 'blob'), 'wx');
    try {
      await pipeline(Readable.from(body), new BatchedFileWriter(handle.fd, write, batch));
      expect(fstatSync(handle.fd).isFile()).toBe(true);
    } finally {
      await handle.close();
    }
    return readFile(join(dir, 'blob'));
  }

  it('writes small chunks together, a batch at a time, and the rest at the end', async () => {
    const writes: number[] = [];
    const counted: WriteChunks = (fd, buffers, position, callback) => {
      writes.push(buffers.reduce((sum, buffer) => sum + buffer.length, 0));
      writev(fd, buffers, position, callback);
    };
    const body = chunks(21, KIB);
    expect(await writeFile(body, counted, 8 * KIB)).toEqual(Buffer.concat(body));
    expect(writes.length).toBeLessThanOrEqual(3);
    expect(writes.slice(0, -1).every((bytes) => bytes >= 8 * KIB)).toBe(true);
    expect(writes.reduce((sum, bytes) => sum + bytes, 0)).toBe(21 * KIB);
  });

  it('writes on from where a short write stopped', async () => {
    const short: WriteChunks = (fd, buffers, position, callback) => {
      const first = buffers[0] as Buffer;
      writev(fd, [first.subarray(0, Math.min(first.length, 700))], position, callback);
    };
    const body = chunks(10, KIB);
    expect(await writeFile(body, short, 4 * KIB)).toEqual(Buffer.concat(body));
  });

  it('fails with the error of a write and leaves the descriptor to its opener', async () => {
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    const failing: WriteChunks = (_fd, _buffers, _position, callback) =>
      setImmediate(() => callback(full, 0));
    expect(await rejectionOf(writeFile(chunks(10, KIB), failing, 4 * KIB))).toBe(full);
  });

  it('refuses a write that takes no bytes instead of trying forever', async () => {
    const stuck: WriteChunks = (_fd, _buffers, _position, callback) => setImmediate(() => callback(null, 0));
    const error = await rejectionOf(writeFile(chunks(2, KIB), stuck, KIB));
    expect(error).toEqual(
      expect.objectContaining({ message: 'The file took none of the bytes written to it' }),
    );
  });
});
