import type { Readable } from 'node:stream';
import type { BlobHead, BlobInfo, BlobStore, ByteRange, CompletedPart } from '@stowage/core';

/** Told of every blob store operation once it settles: its name, how long it took, whether it failed. */
export type BlobOperationObserver = (operation: string, seconds: number, failed: boolean) => void;

/**
 * A BlobStore that reports each operation's latency and failures to an observer and otherwise passes
 * everything through: the backends stay free of metrics. `get` is timed until the stream is ready.
 */
export class InstrumentedBlobStore implements BlobStore {
  constructor(
    private readonly inner: BlobStore,
    private readonly observe: BlobOperationObserver,
  ) {}

  private async timed<T>(operation: string, run: () => Promise<T>): Promise<T> {
    const started = process.hrtime.bigint();
    const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;
    try {
      const result = await run();
      this.observe(operation, elapsed(), false);
      return result;
    } catch (error) {
      this.observe(operation, elapsed(), true);
      throw error;
    }
  }

  put(key: string, body: Readable): Promise<BlobInfo> {
    return this.timed('put', () => this.inner.put(key, body));
  }

  get(key: string, range?: ByteRange): Promise<Readable> {
    return this.timed('get', () => this.inner.get(key, range));
  }

  head(key: string): Promise<BlobHead | undefined> {
    return this.timed('head', () => this.inner.head(key));
  }

  headMany(keys: readonly string[]): Promise<(BlobHead | undefined)[]> {
    return this.timed('headMany', () => this.inner.headMany(keys));
  }

  delete(keys: readonly string[]): Promise<void> {
    return this.timed('delete', () => this.inner.delete(keys));
  }

  deletePrefix(prefix: string): Promise<void> {
    return this.timed('deletePrefix', () => this.inner.deletePrefix(prefix));
  }

  copy(sourceKey: string, destinationKey: string): Promise<BlobInfo> {
    return this.timed('copy', () => this.inner.copy(sourceKey, destinationKey));
  }

  createMultipartUpload(key: string): Promise<string> {
    return this.timed('createMultipartUpload', () => this.inner.createMultipartUpload(key));
  }

  uploadPart(key: string, uploadId: string, partNumber: number, body: Readable): Promise<BlobInfo> {
    return this.timed('uploadPart', () => this.inner.uploadPart(key, uploadId, partNumber, body));
  }

  completeMultipartUpload(key: string, uploadId: string, parts: readonly CompletedPart[]): Promise<BlobInfo> {
    return this.timed('completeMultipartUpload', () =>
      this.inner.completeMultipartUpload(key, uploadId, parts),
    );
  }

  abortMultipartUpload(key: string, uploadId: string): Promise<void> {
    return this.timed('abortMultipartUpload', () => this.inner.abortMultipartUpload(key, uploadId));
  }
}
