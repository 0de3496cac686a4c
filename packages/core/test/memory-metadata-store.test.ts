import { MemoryMetadataStore, metadataStoreContract } from '../src/testing';

metadataStoreContract('MemoryMetadataStore', async () => ({ store: new MemoryMetadataStore() }));
