import {
  createBucket,
  type ListObjectsV2Query,
  listByDelimiter,
  type MetadataTransaction,
  objectMetadata,
  type Scope,
  type StorageContext,
} from '../src';
import { MemoryMetadataStore } from '../src/testing';
import { makeContext, service } from './use-case-fixture';

/** A memory store that counts the rows its listings hand out. */
class CountingStore extends MemoryMetadataStore {
  rows = 0;
  override transaction<T>(scope: Scope, work: (tx: MetadataTransaction) => Promise<T>): Promise<T> {
    return super.transaction(scope, (tx) => {
      const counted: MetadataTransaction = Object.create(tx);
      counted.listObjectsV2 = async (query: ListObjectsV2Query) => {
        const page = await tx.listObjectsV2(query);
        this.rows += page.objects.length;
        return page;
      };
      return work(counted);
    });
  }
}

async function storeWith(
  keys: readonly string[],
): Promise<{ context: StorageContext; store: CountingStore }> {
  const store = new CountingStore();
  const context: StorageContext = { ...makeContext().context, metadata: store };
  await createBucket(context, service, { name: 'b' });
  await store.transaction(service, async (tx) => {
    for (const name of keys) {
      await tx.insertObject({
        bucketId: 'b',
        name,
        owner: null,
        ownerId: null,
        version: 'v1',
        metadata: objectMetadata(
          { contentType: 'text/plain', cacheControl: 'no-cache' },
          { size: 1, etag: 'e' },
        ),
        userMetadata: null,
      });
    }
  });
  store.rows = 0;
  return { context, store };
}

const big = (group: string) => Array.from({ length: 500 }, (_, i) => `${group}${String(i).padStart(3, '0')}`);

describe('listing by any delimiter', () => {
  it('rolls up keys at the first delimiter after the prefix, in key order', async () => {
    const { context } = await storeWith(['p/a::1', 'p/a::2', 'p/b', 'p/c::x::y', 'p/d', 'q/a::1']);
    const page = await listByDelimiter(context, service, {
      bucketId: 'b',
      prefix: 'p/',
      delimiter: '::',
      limit: 10,
    });
    expect(page.objects.map((object) => object.name)).toEqual(['p/b', 'p/d']);
    expect(page.commonPrefixes).toEqual(['p/a::', 'p/c::']);
    expect(page.last).toBeUndefined();
  });

  it('jumps over a common prefix instead of reading through its keys', async () => {
    const { context, store } = await storeWith([...big('a|'), 'b', ...big('c|'), 'd', ...big('e|')]);
    const first = await listByDelimiter(context, service, {
      bucketId: 'b',
      prefix: '',
      delimiter: '|',
      limit: 3,
    });
    expect([...first.commonPrefixes, ...first.objects.map((object) => object.name)].sort()).toEqual([
      'a|',
      'b',
      'c|',
    ]);
    expect(first.last).toBe('c|');
    const rest = await listByDelimiter(context, service, {
      bucketId: 'b',
      prefix: '',
      delimiter: '|',
      limit: 3,
      startAfter: first.last,
    });
    expect(rest.objects.map((object) => object.name)).toEqual(['d']);
    expect(rest.commonPrefixes).toEqual(['e|']);
    expect(rest.last).toBeUndefined();
    // 1,503 keys listed as five entries: the rows read stay far below the keys they stand for.
    expect(store.rows).toBeLessThan(40);
  });
});
