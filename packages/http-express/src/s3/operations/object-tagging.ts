import { findReadableObject, type StorageContext } from '@stowage/core';
import type { RequestHandler } from 'express';
import { objectPath } from '../../object-path';
import { requestScope } from '../../request-scope';
import { sendXml } from '../s3-xml';

/** GetObjectTagging: objects carry no tags here, so the set is empty for any object the caller may read. */
export const getObjectTaggingOperation =
  (context: StorageContext): RequestHandler =>
  async (req, res) => {
    const { bucketId, key } = objectPath(req);
    const scope = requestScope(req, res, 's3.GetObjectTagging');
    await findReadableObject(context, scope, 'authenticated', bucketId, key);
    sendXml(res, 'Tagging', { TagSet: '' });
  };
