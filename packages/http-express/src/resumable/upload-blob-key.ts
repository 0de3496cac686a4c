import { blobKey, type ResumableUpload, type StorageContext } from '@stowage/core';

/** The blob a resumable upload will become, and the key its multipart upload is for. */
export const uploadBlobKey = (context: StorageContext, upload: ResumableUpload): string =>
  blobKey({
    tenantId: context.settings.tenantId,
    bucketId: upload.bucketId,
    key: upload.objectName,
    version: upload.version,
  });
