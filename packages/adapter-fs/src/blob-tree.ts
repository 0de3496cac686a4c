import { randomUUID } from 'node:crypto';
import { type BigIntStats, close, closeSync, createReadStream, fstat, fsync, open, read } from 'node:fs';
import {
  type FileHandle,
  mkdir,
  open as openHandle,
  rename,
  rm,
  rmdir,
  stat,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { Readable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { type ByteRange, errors, StorageError } from '@stowage/core';
import { BatchedFileWriter } from './batched-file-writer';
import { TEMP_DIR } from './blob-path';
import { sidecarOf, sidecarPath } from './etag-sidecar';
import { hasErrno } from './has-errno';
import { WriteBehind } from './write-behind';

/**
 * How often a file is placed again (the etag sidecar written, the blob renamed in) when a concurrent delete
 * prunes its directory away meanwhile.
 */
const PLACE_ATTEMPTS = 8;
/** Errors of a key whose file would be a directory, or whose directory is a file, of another key. */
const COLLISIONS = ['EEXIST', 'ENOTDIR', 'EISDIR', 'ENOTEMPTY'];
/** Errors of a file that is not there, also because a directory on its way is a file. */
const MISSING = ['ENOENT', 'ENOTDIR'];
/**
 * The first read of a blob asks for this much (a file stream's own chunk size): a smaller blob is then
 * read whole by that one call, without a stat or a stream of file reads behind it.
 */
const FIRST_READ = 64 * 1024;

/**
 * What each later read of a larger blob asks for: four times a file stream's default, so a 1 MiB download
 * takes 4 reads (and socket writes) after the first instead of 16, which cut its CPU per request by a
 * sixth in the bench, for at most 256 KiB held per download.
 */
const STREAM_CHUNK = 256 * 1024;

const openFd = promisify(open);
const readFd = promisify(read);
const fstatFd = promisify(fstat);
const fsyncFd = promisify(fsync);
const closeFd = promisify(close);

/** A blob written to a temporary file, with the stats it had when it was synced. */
export interface TempBlob {
  readonly path: string;
  readonly stats: BigIntStats;
}

/**
 * The files under a root and the steps that keep them consistent: blobs are streamed into a temporary
 * file in the same file system, synced, then renamed into place, so a reader sees the old blob or the
 * whole new one, never a part; directories emptied by a delete are pruned up to the root.
 */
export class BlobTree {
  private readonly tempDir: string;

  constructor(readonly root: string) {
    this.tempDir = join(root, TEMP_DIR);
  }

  /**
   * Streams `source` into a fresh temporary file synced to disk (a large one while it arrives), through
   * `through` when given (one pipeline for both), and stats it while it is still open (the sidecar records
   * those stats); leaves nothing behind when it fails.
   */
  async writeTemp(source: AsyncIterable<Buffer>, through?: Transform): Promise<TempBlob> {
    const path = join(this.tempDir, randomUUID());
    const fd = await this.createTemp(path);
    const writes = new WriteBehind(fd);
    try {
      // A raw descriptor the stream leaves open: it is synced and stat'ed here before it is closed.
      const file = new BatchedFileWriter(fd, writes.writev);
      await (through ? pipeline(source, through, file) : pipeline(source, file));
      await writes.sync();
      const stats = await fstatFd(fd, { bigint: true });
      // Synced: closing writes nothing back, so it costs less here than a trip to the thread pool.
      closeSync(fd);
      return { path, stats };
    } catch (error) {
      await writes.settled();
      await closeFd(fd).catch(() => undefined);
      await unlinkIfPresent(path);
      throw error;
    }
  }

  /** Creates a temporary file; its directory is made only when it is missing (the first write). */
  private async createTemp(path: string): Promise<number> {
    try {
      return await openFd(path, 'wx');
    } catch (error) {
      if (!hasErrno(error, 'ENOENT')) throw error;
      await mkdir(this.tempDir, { recursive: true });
      return openFd(path, 'wx');
    }
  }

  /**
   * Makes the temporary file `temp` the blob at `file`, with its etag beside it. Refuses with InvalidKey a
   * file that would collide with a directory of another key.
   *
   * The sidecar is written in place, not renamed: one describing another file, or cut short by a crash,
   * is ignored by its readers (see `recordedEtag`), and the blob only arrives after it. Written first, it
   * also keeps a concurrent prune from removing the directory before the blob's rename.
   */
  async commit(key: string, file: string, temp: TempBlob, etag: string): Promise<void> {
    const sidecar = sidecarPath(file);
    try {
      await inDirectoryOf(sidecar, () => writeFile(sidecar, sidecarOf(temp.stats, etag)));
      await inDirectoryOf(file, () => rename(temp.path, file));
      await syncDir(dirname(file));
    } catch (error) {
      // A sidecar left without its blob would only be ignored; removing it keeps the tree clean.
      await Promise.all([temp.path, sidecar].map(unlinkIfPresent));
      if (hasErrno(error, ...COLLISIONS)) {
        throw new StorageError('InvalidKey', `Key ${key} collides with a folder of another key`);
      }
      throw error;
    }
  }

  /**
   * Streams a blob, or the given range of it; rejects with NoSuchKey when there is no such file. The
   * first read is issued here: a blob (or range) that it covers is answered by it alone, already in
   * memory; a larger one continues as a file stream after it.
   */
  async read(file: string, range?: ByteRange): Promise<Readable> {
    const fd = await openDescriptor(file);
    try {
      const start = range?.start ?? 0;
      const wanted = range ? range.end - start + 1 : Number.POSITIVE_INFINITY;
      const first = Buffer.allocUnsafe(Math.max(0, Math.min(wanted, FIRST_READ)));
      const { bytesRead } = await readFd(fd, first, 0, first.length, start);
      const end =
        bytesRead < first.length ? start + bytesRead - 1 : (range?.end ?? (await fstatFd(fd)).size - 1);
      if (end < start + first.length) {
        closeSync(fd);
        return bufferStream(first.subarray(0, bytesRead));
      }
      const rest = createReadStream('', {
        fd,
        start: start + first.length,
        end,
        highWaterMark: STREAM_CHUNK,
      });
      rest.unshift(first);
      return rest;
    } catch (error) {
      closeSync(fd);
      // Reading a directory: the key names a folder of other keys, not a blob.
      throw hasErrno(error, 'EISDIR') ? errors.noSuchKey() : error;
    }
  }

  /** Opens a blob for reading, with its size; rejects with NoSuchKey when there is no such file. */
  async open(file: string): Promise<{ handle: FileHandle; size: number }> {
    const handle = await openForReading(file);
    const stats = await handle.stat();
    if (stats.isFile()) return { handle, size: stats.size };
    await handle.close();
    throw errors.noSuchKey();
  }

  /** Removes a blob and its etag if they exist, then the directories this left empty. */
  async remove(file: string): Promise<void> {
    await unlinkIfPresent(sidecarPath(file));
    await unlinkIfPresent(file);
    await this.prune(dirname(file));
  }

  /** Removes a directory of blobs with everything in it, then the directories this left empty. */
  async removeFolder(dir: string): Promise<void> {
    const stats = await stat(dir).catch((error: unknown) => {
      if (hasErrno(error, ...MISSING)) return undefined;
      throw error;
    });
    if (!stats?.isDirectory()) return;
    await rm(dir, { recursive: true, force: true });
    await this.prune(dirname(dir));
  }

  /** Removes `dir` and its parents while they are empty, stopping below the root. */
  async prune(dir: string): Promise<void> {
    for (let current = dir; current.startsWith(this.root + sep); current = dirname(current)) {
      try {
        await rmdir(current);
      } catch {
        return;
      }
    }
  }
}

/**
 * Opens a blob for reading as a raw descriptor, which is closed synchronously: closing a file opened only
 * for reading writes nothing back, and costs less than handing the call to the thread pool.
 */
async function openDescriptor(file: string): Promise<number> {
  try {
    return await openFd(file, 'r');
  } catch (error) {
    throw hasErrno(error, ...MISSING) ? errors.noSuchKey() : error;
  }
}

async function openForReading(file: string): Promise<FileHandle> {
  try {
    return await openHandle(file, 'r');
  } catch (error) {
    throw hasErrno(error, ...MISSING) ? errors.noSuchKey() : error;
  }
}

/** A byte stream of bytes already in memory. */
function bufferStream(bytes: Buffer): Readable {
  const stream = new Readable({ read() {} });
  stream.push(bytes);
  stream.push(null);
  return stream;
}

/**
 * Runs `step`, which makes the file `to`. `to`'s directory is created only when the step finds it missing
 * (usually it exists: a new key's is the exception), and again if a concurrent prune removes it meanwhile.
 */
async function inDirectoryOf(to: string, step: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await step();
      return;
    } catch (error) {
      if (!hasErrno(error, 'ENOENT') || attempt === PLACE_ATTEMPTS) throw error;
      // A prune can also remove a parent between two of the levels mkdir makes: the next attempt retries.
      await mkdir(dirname(to), { recursive: true }).catch((failed: unknown) => {
        if (!hasErrno(failed, 'ENOENT')) throw failed;
      });
    }
  }
}

/** Makes a rename into `dir` durable; the directory, opened only for reading, is closed synchronously. */
async function syncDir(dir: string): Promise<void> {
  const fd = await openFd(dir, 'r');
  try {
    await fsyncFd(fd);
  } finally {
    closeSync(fd);
  }
}

/** Unlinks a file; a missing one, or a directory where a file was expected, is not an error. */
export async function unlinkIfPresent(file: string): Promise<void> {
  try {
    await unlink(file);
  } catch (error) {
    if (!hasErrno(error, ...MISSING, 'EISDIR', 'EPERM')) throw error;
  }
}
