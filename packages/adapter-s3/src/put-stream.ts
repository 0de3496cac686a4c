import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { PutResult } from '@stowage/core';
import { partChunks } from './part-chunks';
import type { S3Client } from './s3-client';

/** Where a streamed upload goes, and how S3's errors are to be reported. */
export interface PutTarget {
  readonly client: S3Client;
  readonly bucket: string;
  readonly key: string;
  readonly partSize: number;
  readonly translate: (error: unknown) => Error;
}

/**
 * Streams a body of unknown length into one object, one part in memory at a time. A body shorter than a
 * part is a single PUT; anything longer is a multipart upload driven here (minio's own putObject lists
 * multipart uploads first, which not every S3-compatible server implements). Size and the content's MD5
 * are computed on the way, since S3's ETag of a multipart object is not the content's MD5; S3's own ETag
 * of the new object comes back as `storedEtag`. When the body or S3 fails, the upload is aborted, so
 * nothing is left behind, and the promise rejects with the body's error as it was thrown or with S3's
 * error translated.
 */
export async function putStream(target: PutTarget, body: Readable): Promise<PutResult> {
  const { client, bucket, key, partSize, translate } = target;
  const s3 = <T>(call: Promise<T>): Promise<T> =>
    call.catch((error: unknown) => {
      throw translate(error);
    });
  const md5 = createHash('md5');
  let size = 0;
  let uploadId: string | undefined;
  let storedEtag = '';
  const parts: { part: number; etag: string }[] = [];
  try {
    for await (const part of partChunks(body, partSize)) {
      md5.update(part);
      size += part.length;
      if (uploadId === undefined && part.length < partSize) {
        ({ etag: storedEtag } = await s3(client.putObject(bucket, key, part, part.length)));
        break;
      }
      uploadId ??= await s3(client.initiateNewMultipartUpload(bucket, key, {}));
      const partNumber = parts.length + 1;
      const headers = {};
      const { etag } = await s3(
        client.uploadPart(
          { bucketName: bucket, objectName: key, uploadID: uploadId, partNumber, headers },
          part,
        ),
      );
      parts.push({ part: partNumber, etag });
    }
    if (uploadId !== undefined)
      ({ etag: storedEtag } = await s3(client.completeMultipartUpload(bucket, key, uploadId, parts)));
  } catch (error) {
    if (uploadId !== undefined)
      await client.abortMultipartUpload(bucket, key, uploadId).catch(() => undefined);
    throw error;
  }
  return { size, etag: md5.digest('hex'), ...(storedEtag && { storedEtag }) };
}
