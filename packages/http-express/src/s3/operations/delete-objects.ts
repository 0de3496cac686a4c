import { deleteEachObject, isValidKey, type StorageContext } from '@stowage/core';
import type { RequestHandler } from 'express';
import { objectPath } from '../../object-path';
import { requestScope } from '../../request-scope';
import { requestPayload } from '../payload/request-payload';
import { s3Errors } from '../s3-error';
import { bucketOf } from '../s3-path';
import { readXmlBody, sendXml } from '../s3-xml';

/** DeleteObject: 204 whether or not the object was there, as S3 answers; AccessDenied when refused. */
export const deleteObjectOperation =
  (context: StorageContext): RequestHandler =>
  async (req, res) => {
    const { bucketId, key } = objectPath(req);
    const { refused } = await deleteEachObject(context, requestScope(req, res, 's3.DeleteObject'), bucketId, [
      key,
    ]);
    if (refused.length > 0) throw s3Errors.accessDenied();
    res.status(204).end();
  };

const MAX_KEYS = 1000;

/**
 * DeleteObjects: up to a thousand keys in one request, deleted as the caller's DELETE policy allows. As
 * on S3, a key that does not exist counts as deleted and one the policy refused is an AccessDenied error;
 * `Quiet` leaves the deleted keys out of the answer, never the errors.
 */
export const deleteObjectsOperation =
  (context: StorageContext): RequestHandler =>
  async (req, res) => {
    const bucketId = bucketOf(req);
    const xml = await readXmlBody(requestPayload(req, res), ['Object']);
    const request = xml.Delete as { Object?: unknown[]; Quiet?: unknown } | undefined;
    const keys = (request?.Object ?? []).map((entry) => (entry as { Key?: unknown }).Key);
    if (
      !request ||
      keys.length === 0 ||
      keys.length > MAX_KEYS ||
      keys.some((key) => typeof key !== 'string')
    ) {
      throw s3Errors.malformedXml();
    }
    const names = [...new Set(keys as string[])];
    const valid = names.filter(isValidKey);
    const { refused } =
      valid.length > 0
        ? await deleteEachObject(context, requestScope(req, res, 's3.DeleteObjects'), bucketId, valid)
        : { refused: [] };
    const denied = new Set(refused);
    const quiet = String(request.Quiet).toLowerCase() === 'true';
    sendXml(res, 'DeleteResult', {
      ...(!quiet && { Deleted: names.filter((Key) => !denied.has(Key)).map((Key) => ({ Key })) }),
      Error: refused.map((Key) => ({ Key, Code: 'AccessDenied', Message: 'Access Denied' })),
    });
  };
