import { Client } from 'minio';
import type { S3BlobStoreConfig } from './config';
import { s3Transport } from './s3-transport';

/** A part already stored in an unfinished multipart upload. */
export interface UploadedPart {
  readonly part: number;
  readonly etag: string;
  readonly size: number;
}

/** minio's client, with ListParts made public: completing an upload checks its parts first. */
export class S3Client extends Client {
  override listParts(bucketName: string, objectName: string, uploadId: string): Promise<UploadedPart[]> {
    return super.listParts(bucketName, objectName, uploadId);
  }
}

/** A client for the configured server, with our timeout and no retries (callers decide whether to retry). */
export function createS3Client(config: S3BlobStoreConfig): S3Client {
  const url = new URL(config.endpoint);
  const protocol = url.protocol === 'https:' ? 'https:' : 'http:';
  return new S3Client({
    endPoint: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    ...(url.port ? { port: Number(url.port) } : {}),
    useSSL: protocol === 'https:',
    region: config.region,
    accessKey: config.accessKeyId,
    secretKey: config.secretAccessKey,
    pathStyle: config.forcePathStyle,
    // Ours: minio's own putObject of a Buffer larger than its part size would list multipart uploads.
    partSize: config.partSize,
    transport: s3Transport(protocol, config.requestTimeoutMs),
    retryOptions: { disableRetry: true },
  });
}
