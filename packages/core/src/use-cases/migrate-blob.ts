import { Readable } from 'node:stream';
import { systemScope } from '../domain/caller';
import type { StoredObject } from '../domain/stored-object';
import type { BlobHead, BlobStore } from '../ports/blob-store';
import type { MetadataStore } from '../ports/metadata-store';
import { CountingMd5, contentMd5, isContentMd5, sameBlob } from './same-blob';

/** `copy` writes; `dry-run` only looks; `verify-only` checks a finished copy. */
export type MigrationMode = 'copy' | 'dry-run' | 'verify-only';

/** What happened to one object; a failure is thrown instead. */
export type BlobOutcome =
  /** copied, then found with the same size and content at the destination */
  | 'copied'
  /** the destination held other bytes under the key: copied again and verified */
  | 'replaced'
  /** already at the destination with the same bytes (an earlier run copied it): skipped */
  | 'present'
  /** dry run: missing or different at the destination */
  | 'would-copy'
  /** verify-only: the same bytes at the destination */
  | 'verified'
  /** the row was deleted, or pointed at a new version, while the migration ran: nothing to copy */
  | 'vanished';

/** The stores a migration reads and writes. */
export interface BlobMigration {
  readonly metadata: MetadataStore;
  readonly source: BlobStore;
  readonly destination: BlobStore;
  /** Tenant id in blob keys (`TENANT_ID`). */
  readonly tenantId: string;
}

/**
 * Brings one object's blob to the destination, or checks it there, given what the destination holds at
 * its key (`destinationHead`, from a `headMany` of the object's page). Never leaves a partial blob: the
 * blob store's `put` is atomic, so an interrupted copy leaves the destination as it was. Rejects, with
 * a message saying what is wrong, when the blob is missing or does not verify.
 */
export async function migrateBlob(
  migration: BlobMigration,
  object: StoredObject,
  key: string,
  mode: MigrationMode,
  destinationHead: BlobHead | undefined,
): Promise<{ outcome: BlobOutcome; bytesCopied: number }> {
  const { source, destination } = migration;
  const sourceHead = await source.head(key);
  if (!sourceHead) {
    if (await vanished(migration.metadata, object)) return { outcome: 'vanished', bytesCopied: 0 };
    throw new Error('missing from the source backend');
  }
  const same =
    destinationHead !== undefined &&
    (await sameBlob(
      { store: source, key, head: sourceHead },
      { store: destination, key, head: destinationHead },
    ));
  if (mode === 'verify-only') {
    if (!destinationHead) throw new Error('missing from the destination backend');
    if (!same)
      throw new Error(
        `differs at the destination: ${describe(destinationHead)}, source ${describe(sourceHead)}`,
      );
    return { outcome: 'verified', bytesCopied: 0 };
  }
  if (same) return { outcome: 'present', bytesCopied: 0 };
  if (mode === 'dry-run') return { outcome: 'would-copy', bytesCopied: 0 };
  await copyVerified(migration, key, sourceHead);
  return { outcome: destinationHead ? 'replaced' : 'copied', bytesCopied: sourceHead.size };
}

/**
 * Streams the blob across, hashing it on the way, then checks what the destination holds: by the ETag
 * its write answered with when that is a content MD5 (S3's single PUT), else by asking it.
 */
async function copyVerified(migration: BlobMigration, key: string, sourceHead: BlobHead): Promise<void> {
  const { source, destination } = migration;
  const read = new CountingMd5();
  const body = Readable.from(read.observe(await source.get(key)), { objectMode: false });
  const written = await destination.put(key, body).finally(() => body.destroy());
  const md5 = read.hex();
  if (read.size !== sourceHead.size)
    throw new Error(`the source gave ${read.size} bytes where its head says ${sourceHead.size}`);
  if (isContentMd5(sourceHead.etag) && md5 !== sourceHead.etag)
    throw new Error(`the source's bytes do not match its ETag ${sourceHead.etag} (read ${md5})`);
  if (written.size !== read.size || written.etag !== md5)
    throw new Error(
      `the destination stored ${describe(written)}, sent ${describe({ size: read.size, etag: md5 })}`,
    );
  if (written.storedEtag !== undefined && isContentMd5(written.storedEtag)) {
    if (written.storedEtag !== md5)
      throw new Error(`differs at the destination after the copy: ETag ${written.storedEtag}, sent ${md5}`);
    return;
  }
  const landed = await destination.head(key);
  if (!landed) throw new Error('missing from the destination backend right after the copy');
  if (landed.size !== read.size || (await contentMd5({ store: destination, key, head: landed })) !== md5)
    throw new Error(`differs at the destination after the copy: ${describe(landed)}, sent ${md5}`);
}

/** Whether the row is gone or points elsewhere now, so its blob was rightly removed. */
async function vanished(metadata: MetadataStore, object: StoredObject): Promise<boolean> {
  const now = await metadata.transaction(systemScope('object.migrate'), (tx) =>
    tx.findObject(object.bucketId, object.name),
  );
  return now === undefined || now.version !== object.version;
}

const describe = (blob: { size: number; etag: string }): string => `${blob.size} bytes, ETag ${blob.etag}`;
