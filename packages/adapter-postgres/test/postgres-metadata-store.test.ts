import { metadataStoreContract } from '@stowage/core/testing';
import { createTestMetadataStore } from '../src/testing';

const databaseUrl = process.env.DATABASE_URL;

metadataStoreContract(
  databaseUrl ? 'PostgresMetadataStore on Postgres' : 'PostgresMetadataStore on PGlite',
  () => createTestMetadataStore(databaseUrl),
);
