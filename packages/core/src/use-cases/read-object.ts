import type { Readable } from 'node:stream';
import type { StoredObject } from '../domain/stored-object';
import type { ByteRange } from '../ports/blob-store';
import { objectBlobKey } from './object-blob-key';
import type { StorageContext } from './storage-context';

/** Streams an object's bytes, or a range of them already resolved against its size. */
export function readObject(
  context: StorageContext,
  object: StoredObject,
  range?: ByteRange,
): Promise<Readable> {
  return context.blobs.get(objectBlobKey(context, object), range);
}
