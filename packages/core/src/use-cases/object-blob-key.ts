import { blobKey } from '../domain/blob-key';
import type { StoredObject } from '../domain/stored-object';
import type { StorageContext, StorageSettings } from './storage-context';

/** The blob of an object row; rows written without a version (by other tools) live at the bare key. */
export function objectBlobKey(
  context: { readonly settings: Pick<StorageSettings, 'tenantId'> },
  object: Pick<StoredObject, 'bucketId' | 'name' | 'version'>,
): string {
  const { tenantId } = context.settings;
  if (object.version === null) return `${tenantId}/${object.bucketId}/${object.name}`;
  return blobKey({ tenantId, bucketId: object.bucketId, key: object.name, version: object.version });
}

/** Deletes blobs whose rows are gone. Best effort: a blob left behind is garbage, never a broken object. */
export async function deleteBlobsOf(
  context: StorageContext,
  objects: ReadonlyArray<Pick<StoredObject, 'bucketId' | 'name' | 'version'>>,
): Promise<void> {
  if (objects.length === 0) return;
  await context.blobs.delete(objects.map((object) => objectBlobKey(context, object))).catch(() => undefined);
}
