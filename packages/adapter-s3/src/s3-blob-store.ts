import type { Readable } from 'node:stream';
import {
  type BlobHead,
  type BlobInfo,
  type BlobStore,
  type ByteRange,
  type CompletedPart,
  errors,
  isStorageError,
  type PutResult,
} from '@stowage/core';
import { type S3BlobStoreConfig, type S3BlobStoreOptions, s3BlobStoreConfig } from './config';
import { multipartEtag } from './multipart-etag';
import { readPartBody } from './part-body';
import { putStream } from './put-stream';
import { createS3Client, type S3Client } from './s3-client';
import { toStorageError } from './s3-error';
import { s3ObjectKey } from './s3-object-key';

const MAX_PART_NUMBER = 10_000;

/**
 * How long a bucket seen to exist is taken to still exist when a HEAD finds no object: asking S3 again
 * after every such HEAD doubles the requests of a caller probing for absent keys (a migration), and some
 * servers answer HEAD Bucket with a listing.
 */
const BUCKET_SEEN_MS = 10_000;

/** Keys per ListObjects answer: S3's most. */
const LIST_PAGE = 1000;

/**
 * Blobs as objects of one bucket on any S3-compatible server, keys used as given (see `s3ObjectKey`
 * for the few that S3 servers cannot take). Uploads of unknown
 * length stream through multipart uploads with one part in memory; copies are server-side (S3 copies at
 * most 5 GiB in one request, so larger blobs cannot be copied); deletes are batched.
 */
export class S3BlobStore implements BlobStore {
  private readonly config: S3BlobStoreConfig;
  private readonly client: S3Client;
  private bucketSeenAt = Number.NEGATIVE_INFINITY;

  constructor(options: S3BlobStoreOptions) {
    this.config = s3BlobStoreConfig.parse(options);
    this.client = createS3Client(this.config);
  }

  async put(key: string, body: Readable): Promise<PutResult> {
    const target = { client: this.client, bucket: this.config.bucket, key: this.objectKey(key) };
    const written = await putStream(
      { ...target, partSize: this.config.partSize, translate: this.translate },
      body,
    );
    this.bucketSeenAt = Date.now();
    return written;
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    const [bucket, objectKey] = [this.config.bucket, this.objectKey(key)];
    return this.s3(
      range === undefined
        ? this.client.getObject(bucket, objectKey)
        : this.client.getPartialObject(bucket, objectKey, range.start, range.end - range.start + 1),
    );
  }

  async head(key: string): Promise<BlobHead | undefined> {
    try {
      const stat = await this.s3(this.client.statObject(this.config.bucket, this.objectKey(key)));
      this.bucketSeenAt = Date.now();
      return { size: stat.size, etag: stat.etag, lastModified: stat.lastModified };
    } catch (error) {
      if (!isStorageError(error, 'NoSuchKey')) throw error;
      if (Date.now() - this.bucketSeenAt > BUCKET_SEEN_MS) await this.assertBucketExists();
      return undefined;
    }
  }

  /**
   * Lists the stretch of the bucket the keys lie in instead of a HEAD per key: one ListObjects request per
   * 1,000 stored keys where the keys lie close together (a page of one folder), starting afresh after each
   * gap. S3 lists in UTF-8 byte order, so a key that the listing has gone past without showing is absent.
   */
  async headMany(keys: readonly string[]): Promise<(BlobHead | undefined)[]> {
    const objectKeys = keys.map((key) => this.objectKey(key));
    const wanted = [...new Set(objectKeys)].sort(byteOrder);
    const found = new Map<string, BlobHead>();
    const prefix = commonFolder(wanted);
    let next = 0;
    let listed = '';
    while (next < wanted.length) {
      const start = justBefore(wanted[next] as string);
      const marker = byteOrder(listed, start) > 0 ? listed : start;
      const page = await this.s3(
        this.client.listObjectsQuery(this.config.bucket, prefix, marker, {
          Delimiter: '',
          MaxKeys: LIST_PAGE,
        }),
      );
      for (const item of page.objects) {
        if (item.name === undefined) continue;
        listed = item.name;
        const head = {
          size: item.size ?? 0,
          etag: item.etag ?? '',
          lastModified: item.lastModified ?? new Date(0),
        };
        found.set(item.name, head);
      }
      if (!page.isTruncated) break;
      while (next < wanted.length && byteOrder(wanted[next] as string, listed) <= 0) next += 1;
    }
    this.bucketSeenAt = Date.now();
    return objectKeys.map((key) => found.get(key));
  }

  async delete(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    const results = await this.s3(
      this.client.removeObjects(
        this.config.bucket,
        keys.map((key) => this.objectKey(key)),
      ),
    );
    const failure = results.find((result) => result?.Error && result.Error.Code !== 'NoSuchKey')?.Error;
    if (failure) throw this.translate({ code: failure.Code, message: `${failure.Key}: ${failure.Message}` });
  }

  async deletePrefix(prefix: string): Promise<void> {
    if (!prefix.endsWith('/')) throw errors.invalidKey(prefix);
    // A folder whose own key is over S3's length limit maps to a hashed key no blob starts with: such
    // blobs are left behind, as garbage, never served.
    const folder = `${this.objectKey(prefix.slice(0, -1))}/`;
    const names = await this.s3(namesIn(this.client.listObjectsV2(this.config.bucket, folder, true)));
    if (names.length === 0) return;
    const results = await this.s3(this.client.removeObjects(this.config.bucket, names));
    const failure = results.find((result) => result?.Error && result.Error.Code !== 'NoSuchKey')?.Error;
    if (failure) throw this.translate({ code: failure.Code, message: `${failure.Key}: ${failure.Message}` });
  }

  async copy(sourceKey: string, destinationKey: string): Promise<BlobInfo> {
    const source = await this.head(sourceKey);
    if (!source) throw errors.noSuchKey();
    const { bucket } = this.config;
    const copied = await this.s3(
      this.client.copyObject(
        bucket,
        this.objectKey(destinationKey),
        `${bucket}/${this.objectKey(sourceKey)}`,
      ),
    );
    // The three-argument form is CopyObject's V1 call, whose result carries the new ETag.
    return { size: source.size, etag: 'etag' in copied ? unquote(copied.etag) : source.etag };
  }

  async createMultipartUpload(key: string): Promise<string> {
    return this.s3(this.client.initiateNewMultipartUpload(this.config.bucket, this.objectKey(key), {}));
  }

  /** Parts are buffered whole (S3 wants each part's length up front), so memory grows with the part size. */
  async uploadPart(key: string, uploadId: string, partNumber: number, body: Readable): Promise<BlobInfo> {
    const objectKey = this.objectKey(key);
    assertPartNumber(partNumber);
    const part = await readPartBody(body);
    const { etag } = await this.s3(
      this.client.uploadPart(
        {
          bucketName: this.config.bucket,
          objectName: objectKey,
          uploadID: uploadId,
          partNumber,
          headers: {},
        },
        part.bytes,
      ),
    );
    part.release();
    return { size: part.bytes.length, etag: unquote(etag) };
  }

  /**
   * Checks every named part against ListParts before asking S3 to assemble them: a part that was never
   * uploaded is refused here, the same way on every server (s3rver, for one, crashes on it).
   */
  async completeMultipartUpload(
    key: string,
    uploadId: string,
    parts: readonly CompletedPart[],
  ): Promise<BlobInfo> {
    const objectKey = this.objectKey(key);
    if (parts.length === 0) throw errors.invalidRequest('A multipart upload needs at least one part');
    const { bucket } = this.config;
    const uploaded = new Map(
      (await this.s3(this.client.listParts(bucket, objectKey, uploadId))).map((part) => [part.part, part]),
    );
    let size = 0;
    for (const { partNumber, etag } of parts) {
      const stored = uploaded.get(partNumber);
      if (!stored || unquote(stored.etag) !== unquote(etag)) {
        throw errors.invalidRequest(`Part ${partNumber} was never uploaded to this multipart upload`);
      }
      size += stored.size;
    }
    const etags = parts.map(({ partNumber, etag }) => ({ part: partNumber, etag: unquote(etag) }));
    await this.s3(this.client.completeMultipartUpload(bucket, objectKey, uploadId, etags));
    return { size, etag: multipartEtag(etags.map(({ etag }) => etag)) };
  }

  async abortMultipartUpload(key: string, uploadId: string): Promise<void> {
    try {
      await this.s3(this.client.abortMultipartUpload(this.config.bucket, this.objectKey(key), uploadId));
    } catch (error) {
      if (!isStorageError(error, 'NoSuchUpload')) throw error;
    }
  }

  /** A HEAD answers 404 alike for a missing object and a missing bucket; only the latter is an outage. */
  private async assertBucketExists(): Promise<void> {
    const exists = await this.s3(this.client.bucketExists(this.config.bucket));
    if (!exists) throw this.translate({ code: 'NoSuchBucket' });
    this.bucketSeenAt = Date.now();
  }

  private objectKey(key: string): string {
    return s3ObjectKey(key, this.config.maxKeySegmentBytes);
  }

  private readonly translate = (error: unknown): Error =>
    toStorageError(error, { endpoint: this.config.endpoint, bucket: this.config.bucket });

  private s3<T>(call: Promise<T>): Promise<T> {
    return call.catch((error: unknown) => {
      throw this.translate(error);
    });
  }
}

const unquote = (etag: string): string => etag.replace(/^"|"$/g, '');

/** S3's order of keys: their UTF-8 bytes. */
const byteOrder = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** A marker just before `key`: the key without its last character, whole code point and all. */
const justBefore = (key: string): string => key.replace(/[\s\S]$/u, '');

/** The longest folder (ending in `/`) holding every key of a list sorted in byte order. */
function commonFolder(sorted: readonly string[]): string {
  const first = sorted[0] ?? '';
  const last = sorted[sorted.length - 1] ?? '';
  let same = 0;
  while (same < first.length && first[same] === last[same]) same += 1;
  return first.slice(0, first.lastIndexOf('/', same - 1) + 1);
}

function assertPartNumber(partNumber: number): void {
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > MAX_PART_NUMBER) {
    throw errors.invalidRequest(`Part numbers go from 1 to ${MAX_PART_NUMBER}, not ${partNumber}`);
  }
}

/** The object names of a listing stream. */
async function namesIn(listing: AsyncIterable<{ name?: string }>): Promise<string[]> {
  const names: string[] = [];
  for await (const item of listing) if (item.name) names.push(item.name);
  return names;
}
