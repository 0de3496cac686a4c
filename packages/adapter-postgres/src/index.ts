export * from './config';
export type { MigrationSession } from './migration-session';
export { migrate, readMigrations } from './migrator';
export type { PoolUse, QueryObserver } from './open-database';
export * from './postgres-metadata-store';
export * from './postgres-multipart-upload-store';
export * from './postgres-resumable-upload-store';
export type { StorageDatabase } from './storage-database';
