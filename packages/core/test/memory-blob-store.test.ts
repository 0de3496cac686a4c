import { blobStoreContract, MemoryBlobStore } from '../src/testing';

// The double keeps every byte in memory, so its large object stays small.
blobStoreContract('MemoryBlobStore', async () => ({ store: new MemoryBlobStore() }), {
  largeObjectBytes: 8 * 2 ** 20,
});
