export * from './blob-store-contract';
export * from './blob-store-contract-fixtures';
export * from './memory-blob-store';
export * from './memory-metadata-store';
export * from './metadata-store-contract';
