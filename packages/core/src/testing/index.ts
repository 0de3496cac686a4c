export * from './blob-store-contract';
export * from './blob-store-contract-fixtures';
export * from './memory-blob-store';
export * from './memory-metadata-store';
export * from './memory-token-service';
export * from './metadata-store-contract';
export * from './multipart-upload-store-contract';
