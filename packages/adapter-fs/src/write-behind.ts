import { fdatasync, fsync, writev } from 'node:fs';
import type { WriteChunks } from './batched-file-writer';

/**
 * How many bytes a blob's stream writes between two background flushes. Syncing a 1 GiB file only at the
 * end took ~450 ms on these machines, with nothing else to do meanwhile; flushed every 16 MiB as it
 * arrives, the last sync has at most this much left.
 */
export const FLUSH_EVERY = 16 * 1024 * 1024;

/** How a flush is made: `fdatasync` unless a test watches it. */
export type Flush = (fd: number, callback: (error: NodeJS.ErrnoException | null) => void) => void;

/**
 * The writes of a blob's file (a `BatchedFileWriter`'s) over a descriptor its opener owns. Each time
 * `every` more bytes are written, they start an `fdatasync` without waiting for it, so the disk takes a
 * large blob while more of it arrives; one flush runs at a time. `sync` makes the file durable. The opener
 * closes the descriptor after `settled`, once no write or flush still uses it, so the number is never
 * closed twice or under a call of the thread pool.
 */
export class WriteBehind {
  private written = 0;
  private flushedUpTo = 0;
  private flushing = false;
  private failure: NodeJS.ErrnoException | undefined;
  private inFlight = 0;
  private idle: (() => void) | undefined;

  constructor(
    private readonly fd: number,
    private readonly every = FLUSH_EVERY,
    private readonly flush: Flush = fdatasync,
  ) {}

  readonly writev: WriteChunks = (fd, buffers, position, callback) => {
    this.inFlight++;
    writev(fd, buffers, position, (error, written) => {
      this.wrote(written);
      callback(error, written);
    });
  };

  /** Waits until no write or flush is under way; never rejects. */
  async settled(): Promise<void> {
    if (this.inFlight > 0) await new Promise<void>((resolve) => (this.idle = resolve));
  }

  /**
   * Makes everything written durable: fails with a background flush's error, since after a failed
   * flush the kernel may count pages as clean that never reached the disk.
   */
  async sync(): Promise<void> {
    await this.settled();
    if (this.failure) throw this.failure;
    await new Promise<void>((resolve, reject) =>
      fsync(this.fd, (error) => (error ? reject(error) : resolve())),
    );
  }

  private wrote(bytes: number): void {
    this.written += bytes;
    if (!this.flushing && !this.failure && this.written - this.flushedUpTo >= this.every) {
      const upTo = this.written;
      this.flushing = true;
      this.inFlight++;
      this.flush(this.fd, (error) => {
        if (error) this.failure = error;
        else this.flushedUpTo = upTo;
        this.flushing = false;
        this.done();
      });
    }
    this.done();
  }

  private done(): void {
    this.inFlight--;
    if (this.inFlight === 0 && this.idle) {
      const idle = this.idle;
      this.idle = undefined;
      idle();
    }
  }
}
