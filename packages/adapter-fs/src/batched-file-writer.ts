import { Writable } from 'node:stream';

/**
 * How many bytes a blob's writer gathers before it writes them. A socket hands a body over in chunks of
 * 64 KiB at most, and each write is a trip to libuv's thread pool; gathered, a 1 MiB body takes 8 trips
 * rather than 16 or more. Held chunks live longer: with 256 KiB, a run of 1 MiB uploads left the server
 * resting 15-20 MiB higher; with 128 KiB it rests where it did without gathering.
 */
export const WRITE_BATCH = 128 * 1024;

/** How gathered chunks reach the file at its position: a `WriteBehind`'s `writev`, or a test's. */
export type WriteChunks = (
  fd: number,
  buffers: Buffer[],
  position: null,
  callback: (error: NodeJS.ErrnoException | null, written: number) => void,
) => void;

/**
 * The write side of a file opened by its caller: gathers chunks until `batch` bytes are held, then writes
 * them with one `writev`, and the rest when the stream ends. A chunk that leaves fewer than `batch` bytes
 * held is accepted at once; the one that fills the batch waits for the write, so the writer holds at most
 * about twice `batch` bytes. It never closes the descriptor, not even when destroyed.
 */
export class BatchedFileWriter extends Writable {
  private held: Buffer[] = [];
  private heldBytes = 0;

  constructor(
    private readonly fd: number,
    private readonly writeChunks: WriteChunks,
    private readonly batch = WRITE_BATCH,
  ) {
    super({ highWaterMark: batch });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.hold(chunk);
    this.writeIfFull(callback);
  }

  override _writev(chunks: { chunk: Buffer }[], callback: (error?: Error | null) => void): void {
    for (const { chunk } of chunks) this.hold(chunk);
    this.writeIfFull(callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.writeHeld(callback);
  }

  private hold(chunk: Buffer): void {
    this.held.push(chunk);
    this.heldBytes += chunk.length;
  }

  private writeIfFull(callback: (error?: Error | null) => void): void {
    if (this.heldBytes >= this.batch) this.writeHeld(callback);
    else callback();
  }

  private writeHeld(callback: (error?: Error | null) => void): void {
    const buffers = this.held;
    this.held = [];
    this.heldBytes = 0;
    this.writeAll(buffers, callback);
  }

  /** Writes every byte of `buffers`, again from where a short write stopped. */
  private writeAll(buffers: Buffer[], callback: (error?: Error | null) => void): void {
    if (buffers.length === 0) {
      callback();
      return;
    }
    this.writeChunks(this.fd, buffers, null, (error, written) => {
      if (error) callback(error);
      else if (written === 0) callback(new Error('The file took none of the bytes written to it'));
      else this.writeAll(rest(buffers, written), callback);
    });
  }
}

/** What is left of `buffers` after the first `written` bytes. */
function rest(buffers: Buffer[], written: number): Buffer[] {
  let skipped = written;
  let index = 0;
  while (index < buffers.length && skipped >= (buffers[index] as Buffer).length) {
    skipped -= (buffers[index] as Buffer).length;
    index++;
  }
  const left = buffers.slice(index);
  if (skipped > 0 && left.length > 0) left[0] = (left[0] as Buffer).subarray(skipped);
  return left;
}
