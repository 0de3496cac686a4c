export * from './config';
export * from './fs-blob-store';
