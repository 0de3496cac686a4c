import type { MetadataStore, MetadataTransaction, Scope, UnitOfWorkOptions } from '@stowage/core';

/** Passes every unit of work to `inner`, keeping the scopes it ran under for tests to read. */
export class ScopeRecordingStore implements MetadataStore {
  readonly scopes: Scope[] = [];

  constructor(private readonly inner: MetadataStore) {}

  transaction<T>(
    scope: Scope,
    work: (tx: MetadataTransaction) => Promise<T>,
    options?: UnitOfWorkOptions,
  ): Promise<T> {
    this.scopes.push(scope);
    return this.inner.transaction(scope, work, options);
  }

  dryRun<T>(scope: Scope, work: (tx: MetadataTransaction) => Promise<T>): Promise<T> {
    this.scopes.push(scope);
    return this.inner.dryRun(scope, work);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
