import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import {
  type BlobHead,
  type BlobInfo,
  type BlobStore,
  type ByteRange,
  type CompletedPart,
  errors,
} from '@stowage/core';
import { blobPath } from './blob-path';
import { BlobTree } from './blob-tree';
import type { FsBlobStoreConfig } from './config';
import { ContentDigest } from './content-digest';
import { recordedEtag } from './etag-sidecar';
import { FsMultipartUploads } from './fs-multipart-uploads';
import { hasErrno } from './has-errno';

/**
 * Blobs as files under a root directory, one file per key at the path the key spells (see `blobPath`).
 * Writes are atomic and durable, reads and writes stream in constant memory, and no key reaches
 * outside the root.
 */
export class FsBlobStore implements BlobStore {
  private readonly tree: BlobTree;
  private readonly uploads: FsMultipartUploads;

  constructor(config: FsBlobStoreConfig) {
    this.tree = new BlobTree(resolve(config.root));
    this.uploads = new FsMultipartUploads(this.tree);
  }

  async put(key: string, body: Readable): Promise<BlobInfo> {
    const file = blobPath(this.tree.root, key);
    const digest = new ContentDigest();
    const temp = await this.tree.writeTemp(body, digest.transform());
    const etag = digest.digest().toString('hex');
    await this.tree.commit(key, file, temp, etag);
    return { size: digest.size, etag };
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    return this.tree.read(blobPath(this.tree.root, key), range);
  }

  async head(key: string): Promise<BlobHead | undefined> {
    const file = blobPath(this.tree.root, key);
    const stats = await stat(file, { bigint: true }).catch((error: unknown) => {
      if (hasErrno(error, 'ENOENT', 'ENOTDIR')) return undefined;
      throw error;
    });
    if (!stats?.isFile()) return undefined;
    const etag = (await recordedEtag(file, stats)) ?? (await this.rehash(file));
    // A Date of this realm, not the one fs made (they differ under jest's vm contexts).
    return { size: Number(stats.size), etag, lastModified: new Date(Number(stats.mtimeNs / 1_000_000n)) };
  }

  /** A stat per blob: local, cheap, nothing to batch. */
  async headMany(keys: readonly string[]): Promise<(BlobHead | undefined)[]> {
    return Promise.all(keys.map((key) => this.head(key)));
  }

  async delete(keys: readonly string[]): Promise<void> {
    const files = keys.map((key) => blobPath(this.tree.root, key));
    await Promise.all(files.map((file) => this.tree.remove(file)));
  }

  async deletePrefix(prefix: string): Promise<void> {
    if (!prefix.endsWith('/')) throw errors.invalidKey(prefix);
    await this.tree.removeFolder(blobPath(this.tree.root, prefix.slice(0, -1)));
  }

  async copy(sourceKey: string, destinationKey: string): Promise<BlobInfo> {
    blobPath(this.tree.root, destinationKey);
    const source = await this.tree.open(blobPath(this.tree.root, sourceKey));
    return this.put(destinationKey, source.handle.createReadStream());
  }

  createMultipartUpload(key: string): Promise<string> {
    return this.uploads.create(key);
  }

  uploadPart(key: string, uploadId: string, partNumber: number, body: Readable): Promise<BlobInfo> {
    return this.uploads.uploadPart(key, uploadId, partNumber, body);
  }

  completeMultipartUpload(key: string, uploadId: string, parts: readonly CompletedPart[]): Promise<BlobInfo> {
    return this.uploads.complete(key, uploadId, parts);
  }

  abortMultipartUpload(key: string, uploadId: string): Promise<void> {
    return this.uploads.abort(key, uploadId);
  }

  /** The MD5 of a blob without a valid sidecar: written by another tool, or left by a crash. */
  private async rehash(file: string): Promise<string> {
    const hash = createHash('md5');
    for await (const chunk of createReadStream(file)) hash.update(chunk);
    return hash.digest('hex');
  }
}
