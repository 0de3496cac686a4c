import type { MetadataStore } from '../ports/metadata-store';
import { bucketsContract } from './metadata-contract/buckets-contract';
import { type StoreFixture, scope } from './metadata-contract/fixture';
import { listObjectsContract } from './metadata-contract/list-objects-contract';
import { listObjectsV2Contract } from './metadata-contract/list-objects-v2-contract';
import { objectsContract } from './metadata-contract/objects-contract';
import { transactionsContract } from './metadata-contract/transactions-contract';

/** What a metadata store adapter hands the contract suite: a ready store and how to dispose of it. */
export interface MadeMetadataStore {
  readonly store: MetadataStore;
  /** Runs after `store.close()`, e.g. to drop a scratch database. */
  readonly cleanup?: () => Promise<void>;
}

/**
 * The behaviour every `MetadataStore` must show, as a jest suite. It runs as `service_role` (policies are
 * adapter-specific and tested there), creates one store for the whole suite, and keeps tests apart by
 * giving each its own buckets.
 */
export function metadataStoreContract(name: string, makeStore: () => Promise<MadeMetadataStore>): void {
  describe(`${name}: MetadataStore contract`, () => {
    let made: MadeMetadataStore | undefined;
    const fixture: StoreFixture = {
      get store() {
        if (!made) throw new Error('the store is not ready');
        return made.store;
      },
      run(work) {
        return this.store.transaction(scope, work);
      },
    };

    beforeAll(async () => {
      made = await makeStore();
    });
    afterAll(async () => {
      await made?.store.close();
      await made?.cleanup?.();
    });

    bucketsContract(fixture);
    objectsContract(fixture);
    transactionsContract(fixture);
    listObjectsContract(fixture);
    listObjectsV2Contract(fixture);
  });
}
