import type { NewBucket, NewObject, StorageError } from '@stowage/core';

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
