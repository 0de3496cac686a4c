export * from './blob-store-contract';
export * from './blob-store-contract-fixtures';
export * from './memory-blob-store';
