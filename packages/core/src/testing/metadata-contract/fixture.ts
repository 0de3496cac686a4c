import type { NewBucket } from '../../domain/bucket';
import { systemScope } from '../../domain/caller';
import type { NewObject, ObjectMetadata, StoredObject } from '../../domain/stored-object';
import type { MetadataStore, MetadataTransaction } from '../../ports/metadata-store';

/** The store under test, read lazily because it is made in `beforeAll`. */
export interface StoreFixture {
  readonly store: MetadataStore;
  /** Runs one unit of work as the service. */
  run<T>(work: (tx: MetadataTransaction) => Promise<T>): Promise<T>;
}

export const scope = systemScope('contract');

let sequence = 0;

/** A bucket id no other test uses. */
export const uniqueBucketId = (label = 'b'): string =>
  `${label}-${crypto.randomUUID().slice(0, 8)}-${(sequence++).toString(36)}`;

export const newBucket = (id: string, overrides: Partial<NewBucket> = {}): NewBucket => ({
  id,
  name: id,
  owner: null,
  ownerId: null,
  public: false,
  fileSizeLimit: null,
  allowedMimeTypes: null,
  ...overrides,
});

export const metadataOf = (size: number, mimetype = 'text/plain'): ObjectMetadata => ({
  eTag: '"d41d8cd98f00b204e9800998ecf8427e"',
  size,
  mimetype,
  cacheControl: 'no-cache',
  lastModified: new Date().toISOString(),
  contentLength: size,
  httpStatusCode: 200,
});

export const newObject = (bucketId: string, name: string, overrides: Partial<NewObject> = {}): NewObject => ({
  bucketId,
  name,
  owner: null,
  ownerId: null,
  version: crypto.randomUUID(),
  metadata: metadataOf(1),
  userMetadata: null,
  ...overrides,
});

/** A fresh bucket holding the named objects, inserted one transaction each in the order given. */
export async function bucketWith(
  fixture: StoreFixture,
  names: readonly string[],
  options: { spacedMs?: number } = {},
): Promise<string> {
  const bucketId = uniqueBucketId();
  await fixture.run((tx) => tx.createBucket(newBucket(bucketId)));
  for (const name of names) {
    await fixture.run((tx) => tx.insertObject(newObject(bucketId, name)));
    if (options.spacedMs) await sleep(options.spacedMs);
  }
  return bucketId;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const namesOf = (objects: readonly StoredObject[]) => objects.map((object) => object.name);

/** The `code` of the error `promise` rejects with, or `'resolved'`. */
export const codeOf = (promise: Promise<unknown>): Promise<string> =>
  promise.then(
    () => 'resolved',
    (error: unknown) => (error as { code?: string }).code ?? String(error),
  );
