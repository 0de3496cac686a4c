import type { Bucket } from '../domain/bucket';
import { assertBucketName } from '../domain/bucket-name';
import { ownerOf, type Scope } from '../domain/caller';
import { parseFileSize } from '../domain/file-size';
import { assertMimeTypeList } from '../domain/mime-type';
import type { StorageContext } from './storage-context';

export interface CreateBucketInput {
  readonly name: string;
  /** Defaults to the name. */
  readonly id?: string;
  readonly public?: boolean;
  readonly fileSizeLimit?: number | string | null;
  readonly allowedMimeTypes?: readonly string[] | null;
}

/** Creates a bucket owned by the caller; the INSERT policy on `storage.buckets` decides. */
export async function createBucket(
  context: StorageContext,
  scope: Scope,
  input: CreateBucketInput,
): Promise<Bucket> {
  const name = assertBucketName(input.name);
  const id = assertBucketName(input.id ?? input.name);
  const fileSizeLimit = parseFileSize(input.fileSizeLimit);
  if (input.allowedMimeTypes) assertMimeTypeList(input.allowedMimeTypes);
  return context.metadata.transaction(scope, (tx) =>
    tx.createBucket({
      id,
      name,
      ...ownerOf(scope.caller),
      public: input.public ?? false,
      fileSizeLimit,
      allowedMimeTypes: input.allowedMimeTypes?.length ? input.allowedMimeTypes : null,
    }),
  );
}
