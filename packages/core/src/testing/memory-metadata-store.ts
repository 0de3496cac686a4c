import type { Bucket, BucketPatch, ListBucketsQuery, NewBucket } from '../domain/bucket';
import type { Scope } from '../domain/caller';
import type {
  ListEntry,
  ListObjectsQuery,
  ListObjectsV2Page,
  ListObjectsV2Query,
  NewObject,
  StoredObject,
} from '../domain/stored-object';
import { errors } from '../errors';
import type { MetadataStore, MetadataTransaction, PublicRead } from '../ports/metadata-store';
import { compareCodePoints, listDirectory, listPage } from './memory-object-listing';

interface State {
  readonly buckets: Map<string, Bucket>;
  /** Keyed by `objectKey(bucketId, name)`. */
  readonly objects: Map<string, StoredObject>;
}

const objectKey = (bucketId: string, name: string) => `${bucketId}\u0000${name}`;

const copyOf = (state: State): State => ({
  buckets: new Map(state.buckets),
  objects: new Map(state.objects),
});

/**
 * A metadata store double for use-case tests: no database, no policies (every scope sees everything).
 * Units of work run one at a time on a copy of the state that replaces it on commit, so rollback, dry
 * runs and racing writers behave as they do on Postgres.
 */
export class MemoryMetadataStore implements MetadataStore {
  private state: State = { buckets: new Map(), objects: new Map() };
  private queue: Promise<unknown> = Promise.resolve();

  transaction<T>(_scope: Scope, work: (tx: MetadataTransaction) => Promise<T>): Promise<T> {
    return this.oneAtATime(async () => {
      const draft = copyOf(this.state);
      const result = await work(new MemoryTransaction(draft, new Date()));
      this.state = draft;
      return result;
    });
  }

  dryRun<T>(_scope: Scope, work: (tx: MetadataTransaction) => Promise<T>): Promise<T> {
    return this.oneAtATime(() => work(new MemoryTransaction(copyOf(this.state), new Date())));
  }

  async close(): Promise<void> {}

  private oneAtATime<T>(run: () => Promise<T>): Promise<T> {
    const result = this.queue.then(run);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

class MemoryTransaction implements MetadataTransaction {
  constructor(
    private readonly state: State,
    /** The transaction's start, as Postgres's `now()`. */
    private readonly now: Date,
  ) {}

  async findBucket(id: string): Promise<Bucket | undefined> {
    return this.state.buckets.get(id);
  }

  async listBuckets(query: ListBucketsQuery): Promise<Bucket[]> {
    const search = query.search?.toLowerCase() ?? '';
    const column = query.sortColumn ?? 'name';
    const direction = query.sortOrder === 'desc' ? -1 : 1;
    const value = (bucket: Bucket) =>
      column === 'created_at'
        ? bucket.createdAt.getTime()
        : column === 'updated_at'
          ? bucket.updatedAt.getTime()
          : 0;
    const offset = query.offset ?? 0;
    return [...this.state.buckets.values()]
      .filter((bucket) => bucket.name.toLowerCase().includes(search))
      .sort(
        (a, b) =>
          direction *
          (value(a) - value(b) ||
            compareCodePoints(column === 'id' ? a.id : a.name, column === 'id' ? b.id : b.name)),
      )
      .slice(offset, query.limit === undefined ? undefined : offset + query.limit);
  }

  async createBucket(bucket: NewBucket): Promise<Bucket> {
    const taken = [...this.state.buckets.values()].some((b) => b.id === bucket.id || b.name === bucket.name);
    if (taken) throw errors.bucketAlreadyExists();
    const created: Bucket = { ...bucket, type: 'STANDARD', createdAt: this.now, updatedAt: this.now };
    this.state.buckets.set(bucket.id, created);
    return created;
  }

  async updateBucket(id: string, patch: BucketPatch): Promise<Bucket | undefined> {
    const bucket = this.state.buckets.get(id);
    if (!bucket) return undefined;
    const updated: Bucket = { ...bucket, ...patch, updatedAt: this.now };
    this.state.buckets.set(id, updated);
    return updated;
  }

  async deleteBucket(id: string): Promise<boolean> {
    if (!this.state.buckets.has(id)) return false;
    if (await this.bucketHasObjects(id)) throw errors.resourceNotEmpty();
    return this.state.buckets.delete(id);
  }

  async findObject(bucketId: string, name: string): Promise<StoredObject | undefined> {
    return this.state.objects.get(objectKey(bucketId, name));
  }

  async findObjectNames(bucketId: string, names: readonly string[]): Promise<Set<string>> {
    return new Set(names.filter((name) => this.state.objects.has(objectKey(bucketId, name))));
  }

  async findPublicObject(bucketId: string, name: string): Promise<PublicRead | undefined> {
    const bucket = this.state.buckets.get(bucketId);
    if (!bucket) return undefined;
    return {
      public: bucket.public,
      object: bucket.public ? await this.findObject(bucketId, name) : undefined,
    };
  }

  async insertObject(object: NewObject): Promise<StoredObject> {
    if (!this.state.buckets.has(object.bucketId)) throw errors.noSuchBucket();
    if (this.state.objects.has(objectKey(object.bucketId, object.name))) throw errors.keyAlreadyExists();
    return this.put({ id: crypto.randomUUID(), ...object, createdAt: this.now, ...this.touched() });
  }

  async upsertObject(object: NewObject): Promise<{ object: StoredObject; previousVersion: string | null }> {
    if (!this.state.buckets.has(object.bucketId)) throw errors.noSuchBucket();
    const previous = this.state.objects.get(objectKey(object.bucketId, object.name));
    const stored = this.put({
      ...object,
      id: previous?.id ?? crypto.randomUUID(),
      createdAt: previous?.createdAt ?? this.now,
      ...this.touched(),
    });
    return { object: stored, previousVersion: previous?.version ?? null };
  }

  async moveObject(
    from: { bucketId: string; name: string },
    to: { bucketId: string; name: string; owner: string | null; ownerId: string | null },
  ): Promise<StoredObject | undefined> {
    const source = this.state.objects.get(objectKey(from.bucketId, from.name));
    if (!source) return undefined;
    if (!this.state.buckets.has(to.bucketId)) throw errors.noSuchBucket();
    const sameRow = from.bucketId === to.bucketId && from.name === to.name;
    if (!sameRow && this.state.objects.has(objectKey(to.bucketId, to.name)))
      throw errors.resourceAlreadyExists();
    this.state.objects.delete(objectKey(from.bucketId, from.name));
    return this.put({ ...source, ...to, updatedAt: this.now });
  }

  async deleteObjects(bucketId: string, names: readonly string[]): Promise<StoredObject[]> {
    return [...new Set(names)].flatMap((name) => this.remove(objectKey(bucketId, name)));
  }

  async deleteObjectBatch(bucketId: string, limit: number): Promise<StoredObject[]> {
    const keys = [...this.state.objects.values()]
      .filter((object) => object.bucketId === bucketId)
      .slice(0, limit)
      .map((object) => objectKey(bucketId, object.name));
    return keys.flatMap((key) => this.remove(key));
  }

  async bucketHasObjects(bucketId: string): Promise<boolean> {
    return [...this.state.objects.values()].some((object) => object.bucketId === bucketId);
  }

  async listObjects(query: ListObjectsQuery): Promise<ListEntry[]> {
    return listDirectory(this.state.objects.values(), query);
  }

  async listObjectsV2(query: ListObjectsV2Query): Promise<ListObjectsV2Page> {
    return listPage(this.state.objects.values(), query);
  }

  private touched() {
    return { updatedAt: this.now, lastAccessedAt: this.now };
  }

  private put(object: StoredObject): StoredObject {
    this.state.objects.set(objectKey(object.bucketId, object.name), object);
    return object;
  }

  private remove(key: string): StoredObject[] {
    const object = this.state.objects.get(key);
    if (!object) return [];
    this.state.objects.delete(key);
    return [object];
  }
}
