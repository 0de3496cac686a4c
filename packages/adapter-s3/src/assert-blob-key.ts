import { errors } from '@stowage/core';

/**
 * Keys are used as given inside the bucket, so refuse anything that is not a plain relative path: the
 * domain never builds one, and a key such as `a/../b` means different objects to different S3 servers.
 */
export function assertBlobKey(key: string): string {
  const segments = key.split('/');
  if (
    key.includes('\0') ||
    segments.some((segment) => segment === '' || segment === '.' || segment === '..')
  ) {
    throw errors.invalidKey(key);
  }
  return key;
}
