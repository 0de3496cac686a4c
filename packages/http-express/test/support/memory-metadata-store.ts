import {
  type Bucket,
  errors,
  type ListEntry,
  type ListObjectsQuery,
  type ListObjectsV2Page,
  type ListObjectsV2Query,
  type MetadataStore,
  type MetadataTransaction,
  type NewObject,
  type Scope,
  type StoredObject,
} from '@stowage/core';

/**
 * A metadata store in memory for route tests until the Postgres adapter lands: one transaction at a time,
 * rolled back by restoring a snapshot. It has no policies: every caller sees everything, and the scopes
 * of its transactions are kept in `scopes` for tests to read.
 */
export class MemoryMetadataStore implements MetadataStore {
  readonly scopes: Scope[] = [];
  private buckets = new Map<string, Bucket>();
  private objects = new Map<string, StoredObject>();
  private queue: Promise<unknown> = Promise.resolve();

  transaction<T>(scope: Scope, work: (tx: MetadataTransaction) => Promise<T>): Promise<T> {
    this.scopes.push(scope);
    return this.serialize(work, false);
  }

  dryRun<T>(scope: Scope, work: (tx: MetadataTransaction) => Promise<T>): Promise<T> {
    this.scopes.push(scope);
    return this.serialize(work, true);
  }

  async close(): Promise<void> {}

  private serialize<T>(work: (tx: MetadataTransaction) => Promise<T>, rollback: boolean): Promise<T> {
    const run = async () => {
      const snapshot = { buckets: new Map(this.buckets), objects: new Map(this.objects) };
      const restore = () => Object.assign(this, snapshot);
      try {
        const result = await work(this.tx());
        if (rollback) restore();
        return result;
      } catch (error) {
        restore();
        throw error;
      }
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private tx(): MetadataTransaction {
    const id = (bucketId: string, name: string) => `${bucketId}\u0000${name}`;
    const now = () => new Date();
    const row = (object: NewObject, existing?: StoredObject): StoredObject => ({
      ...object,
      id: existing?.id ?? crypto.randomUUID(),
      createdAt: existing?.createdAt ?? now(),
      updatedAt: now(),
      lastAccessedAt: now(),
    });
    const inBucket = (bucketId: string) => [...this.objects.values()].filter((o) => o.bucketId === bucketId);
    return {
      findBucket: async (bucketId) => this.buckets.get(bucketId),
      listBuckets: async () => [...this.buckets.values()],
      createBucket: async (bucket) => {
        if ([...this.buckets.values()].some((b) => b.id === bucket.id || b.name === bucket.name)) {
          throw errors.bucketAlreadyExists();
        }
        const created = { ...bucket, type: 'STANDARD', createdAt: now(), updatedAt: now() };
        this.buckets.set(bucket.id, created);
        return created;
      },
      updateBucket: async (bucketId, patch) => {
        const bucket = this.buckets.get(bucketId);
        if (!bucket) return undefined;
        const updated = { ...bucket, ...patch, updatedAt: now() };
        this.buckets.set(bucketId, updated);
        return updated;
      },
      deleteBucket: async (bucketId) => {
        if (!this.buckets.has(bucketId)) return false;
        if (inBucket(bucketId).length > 0) throw errors.resourceNotEmpty();
        return this.buckets.delete(bucketId);
      },
      findObject: async (bucketId, name) => this.objects.get(id(bucketId, name)),
      insertObject: async (object) => {
        if (this.objects.has(id(object.bucketId, object.name))) throw errors.keyAlreadyExists();
        const created = row(object);
        this.objects.set(id(object.bucketId, object.name), created);
        return created;
      },
      upsertObject: async (object) => {
        const existing = this.objects.get(id(object.bucketId, object.name));
        const written = row(object, existing);
        this.objects.set(id(object.bucketId, object.name), written);
        return { object: written, previousVersion: existing?.version ?? null };
      },
      moveObject: async (from, to) => {
        const source = this.objects.get(id(from.bucketId, from.name));
        if (!source) return undefined;
        if (this.objects.has(id(to.bucketId, to.name))) throw errors.resourceAlreadyExists();
        this.objects.delete(id(from.bucketId, from.name));
        const moved = { ...source, bucketId: to.bucketId, name: to.name, updatedAt: now() };
        this.objects.set(id(to.bucketId, to.name), moved);
        return moved;
      },
      deleteObjects: async (bucketId, names) =>
        names.flatMap((name) => {
          const found = this.objects.get(id(bucketId, name));
          if (found) this.objects.delete(id(bucketId, name));
          return found ? [found] : [];
        }),
      deleteObjectBatch: async (bucketId, limit) => {
        const batch = inBucket(bucketId).slice(0, limit);
        for (const object of batch) this.objects.delete(id(bucketId, object.name));
        return batch;
      },
      bucketHasObjects: async (bucketId) => inBucket(bucketId).length > 0,
      listObjects: async (query) => listV1(inBucket(query.bucketId), query),
      listObjectsV2: async (query) => listV2(inBucket(query.bucketId), query),
    };
  }
}

function listV1(objects: StoredObject[], query: ListObjectsQuery): ListEntry[] {
  const prefix = query.prefix === '' || query.prefix.endsWith('/') ? query.prefix : `${query.prefix}/`;
  const entries = new Map<string, ListEntry>();
  for (const object of objects.filter((o) => o.name.startsWith(prefix))) {
    const rest = object.name.slice(prefix.length);
    const slash = rest.indexOf('/');
    const name = slash === -1 ? rest : rest.slice(0, slash);
    if (query.search && !name.toLowerCase().startsWith(query.search.toLowerCase())) continue;
    entries.set(name, { name, object: slash === -1 ? object : null });
  }
  return [...entries.values()]
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .slice(query.offset, query.offset + query.limit);
}

function listV2(objects: StoredObject[], query: ListObjectsV2Query): ListObjectsV2Page {
  const folders = new Set<string>();
  const files: StoredObject[] = [];
  for (const object of objects
    .filter((o) => o.name.startsWith(query.prefix))
    .sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const slash = object.name.indexOf('/', query.prefix.length);
    if (query.withDelimiter && slash !== -1) folders.add(object.name.slice(0, slash));
    else files.push(object);
  }
  return { folders: [...folders], objects: files.slice(0, query.limit) };
}
