export * from './create-test-metadata-store';
export * from './scratch-database';
