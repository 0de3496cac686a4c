import { z } from 'zod';

const MiB = 1024 * 1024;

/** S3's own bounds on a multipart part (the last part may be smaller). */
const MIN_PART_SIZE = 5 * MiB;
const MAX_PART_SIZE = 5 * 1024 * MiB;

/** Options of the S3 blob store; `apps/server` parses them once at start-up. */
export const s3BlobStoreConfig = z.object({
  /** The one S3 bucket every blob lives in (`STORAGE_S3_BUCKET`). */
  bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name'),
  /** Base URL of the S3-compatible server, e.g. `http://127.0.0.1:9000`; no path. */
  endpoint: z
    .url({ protocol: /^https?$/ })
    .refine((url) => URL.canParse(url) && new URL(url).pathname === '/', 'an endpoint URL without a path'),
  region: z.string().min(1).default('us-east-1'),
  accessKeyId: z.string().min(1),
  secretAccessKey: z.string().min(1),
  /** `https://endpoint/bucket/key` rather than `https://bucket.endpoint/key`; most self-hosted servers need it. */
  forcePathStyle: z.boolean().default(true),
  /**
   * Longest key segment stored as given, in UTF-8 bytes; longer ones are shortened with a hash (see
   * `s3ObjectKey`). 255 suits servers that keep objects as files (MinIO); on AWS S3 it can be 1024.
   */
  maxKeySegmentBytes: z.number().int().min(100).max(1024).default(255),
  /** Bytes buffered per part of a streamed upload: memory per upload in flight is about one part. */
  partSize: z
    .number()
    .int()
    .min(MIN_PART_SIZE)
    .max(MAX_PART_SIZE)
    .default(8 * MiB),
  /** How long to wait for S3 to connect and start answering a request before calling it unavailable. */
  requestTimeoutMs: z.number().int().positive().default(30_000),
});

/** What a caller may pass: defaults are filled in by parsing. */
export type S3BlobStoreOptions = z.input<typeof s3BlobStoreConfig>;
export type S3BlobStoreConfig = z.output<typeof s3BlobStoreConfig>;
