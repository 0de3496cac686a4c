import { copyObject, type StorageContext } from '@stowage/core';
import type { Request, RequestHandler } from 'express';
import { objectPath } from '../../object-path';
import { requestScope } from '../../request-scope';
import { copySourceCheck } from '../conditional-request';
import { discardPayload } from '../payload/request-payload';
import { s3Errors } from '../s3-error';
import { userMetadataOf } from '../s3-metadata';
import { sendXml } from '../s3-xml';

/** `x-amz-copy-source`: `[/]<bucket>/<key>[?versionId=…]`, URL-encoded. */
export function copySourceOf(req: Request): { bucketId: string; key: string } {
  const header = (req.get('x-amz-copy-source') ?? '').split('?')[0] ?? '';
  let decoded: string;
  try {
    decoded = decodeURIComponent(header).replace(/^\//, '');
  } catch {
    throw s3Errors.invalidArgument(
      'Copy Source must mention the source bucket and key: sourcebucket/sourcekey',
    );
  }
  const slash = decoded.indexOf('/');
  if (slash <= 0 || slash === decoded.length - 1) {
    throw s3Errors.invalidArgument(
      'Copy Source must mention the source bucket and key: sourcebucket/sourcekey',
    );
  }
  return { bucketId: decoded.slice(0, slash), key: decoded.slice(slash + 1) };
}

/**
 * CopyObject: a server-side copy through the copy use case (SELECT on the source, INSERT or UPDATE on
 * the destination). Metadata directive COPY keeps the source's metadata; REPLACE takes the request's.
 * `x-amz-copy-source-if-*` conditions on the source answer PreconditionFailed when they do not hold.
 */
export const copyObjectOperation =
  (context: StorageContext): RequestHandler =>
  async (req, res) => {
    const { bucketId, key } = objectPath(req);
    const source = copySourceOf(req);
    const directive = (req.get('x-amz-metadata-directive') ?? 'COPY').toUpperCase();
    if (directive !== 'COPY' && directive !== 'REPLACE') {
      throw s3Errors.invalidArgument('Unknown metadata directive.');
    }
    const replace = directive === 'REPLACE';
    if (!replace && source.bucketId === bucketId && source.key === key) {
      throw s3Errors.invalidRequest(
        'This copy request is illegal because it is trying to copy an object to itself without changing its metadata.',
      );
    }
    await discardPayload(req, res);
    const object = await copyObject(context, requestScope(req, res, 's3.CopyObject'), {
      bucketId: source.bucketId,
      sourceKey: source.key,
      destinationBucket: bucketId,
      destinationKey: key,
      upsert: true,
      assertSource: copySourceCheck(req),
      ...(replace && {
        metadata: {
          mimetype: req.get('content-type') || 'application/octet-stream',
          cacheControl: req.get('cache-control') || 'no-cache',
        },
        userMetadata: userMetadataOf(req),
      }),
    });
    sendXml(res, 'CopyObjectResult', {
      ETag: object.metadata?.eTag ?? '',
      LastModified: object.updatedAt.toISOString(),
    });
  };
