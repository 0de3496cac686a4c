import { sha256Hex } from '../domain/bounded-segment';
import type { StoredObject } from '../domain/stored-object';
import type { StorageContext } from './storage-context';

/**
 * Rendered images live under `<tenant>/~render/…`, a folder no bucket id can name, and one folder per
 * source version, so that removing a version can remove every rendering of it at once.
 */
export function renderedImagesPrefix(
  context: StorageContext,
  object: Pick<StoredObject, 'bucketId' | 'name' | 'version'>,
): string {
  const version = object.version ?? '~unversioned';
  return `${context.settings.tenantId}/~render/${object.bucketId}/${object.name}/${version}/`;
}

/** The name of one rendering of one source: it changes with the source's content and the rendering. */
export const renderingId = (object: Pick<StoredObject, 'version' | 'metadata'>, rendering: string): string =>
  sha256Hex(`${object.version ?? ''}\n${object.metadata?.eTag ?? ''}\n${rendering}`).slice(0, 32);
