import type { ListObjectsQuery, ListObjectsV2Query, NewBucket, NewObject, StorageError } from '@stowage/core';

/** A private bucket with no limits (or public, when asked). */
export const bucketNamed = (id: string, options: { public?: boolean } = {}): NewBucket => ({
  id,
  name: id,
  owner: null,
  ownerId: null,
  public: options.public ?? false,
  fileSizeLimit: null,
  allowedMimeTypes: null,
});

/** An object row as an upload of one byte would write it. */
export const objectRow = (bucketId: string, name: string, ownerId: string | null = null): NewObject => ({
  bucketId,
  name,
  owner: null,
  ownerId,
  version: crypto.randomUUID(),
  metadata: {
    eTag: '"x"',
    size: 1,
    mimetype: 'text/plain',
    cacheControl: 'no-cache',
    lastModified: new Date().toISOString(),
    contentLength: 1,
    httpStatusCode: 200,
  },
  userMetadata: null,
});

/** `code: message` of the StorageError `promise` rejects with, or `resolved`. */
export const failureOf = (promise: Promise<unknown>): Promise<string> =>
  promise.then(
    () => 'resolved',
    (error: StorageError) => `${error.code}: ${error.message}`,
  );

/** A v1 listing of 100 entries under `prefix`, by name ascending, unless `overrides` say otherwise. */
export const directoryListing = (
  bucketId: string,
  prefix: string,
  overrides: Partial<ListObjectsQuery> = {},
): ListObjectsQuery => ({
  bucketId,
  prefix,
  limit: 100,
  offset: 0,
  sortBy: { column: 'name', order: 'asc' },
  ...overrides,
});

/** A v2 page of 100 keys under `prefix` with the delimiter, by name ascending, unless `overrides` say otherwise. */
export const pageListing = (
  bucketId: string,
  prefix: string,
  overrides: Partial<ListObjectsV2Query> = {},
): ListObjectsV2Query => ({
  bucketId,
  prefix,
  limit: 100,
  withDelimiter: true,
  sortBy: { column: 'name', order: 'asc' },
  ...overrides,
});
