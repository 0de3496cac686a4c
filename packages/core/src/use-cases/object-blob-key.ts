import { blobKey } from '../domain/blob-key';
import type { StoredObject } from '../domain/stored-object';
import { renderedImagesPrefix } from './rendered-image-key';
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

/**
 * Deletes blobs whose rows are gone, with the images rendered from them. Best effort: a blob left behind
 * is garbage, never a broken object.
 */
export async function deleteBlobsOf(
  context: StorageContext,
  objects: ReadonlyArray<Pick<StoredObject, 'bucketId' | 'name' | 'version'>>,
): Promise<void> {
  if (objects.length === 0) return;
  await context.blobs.delete(objects.map((object) => objectBlobKey(context, object))).catch(() => undefined);
  await deleteRenderingsOf(context, objects);
}

/** Deletes the images rendered from these object versions. Best effort, as `deleteBlobsOf`. */
export async function deleteRenderingsOf(
  context: StorageContext,
  objects: ReadonlyArray<Pick<StoredObject, 'bucketId' | 'name' | 'version'>>,
): Promise<void> {
  await Promise.all(
    objects.map((object) =>
      context.blobs.deletePrefix(renderedImagesPrefix(context, object)).catch(() => undefined),
    ),
  );
}
