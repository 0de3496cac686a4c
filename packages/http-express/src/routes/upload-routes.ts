import { createSignedUploadUrl, type StorageContext, uploadObject, uploadToSignedUrl } from '@stowage/core';
import { type Request, type RequestHandler, Router } from 'express';
import { z } from 'zod';
import { authenticate } from '../authenticate';
import { encodePath, objectPath } from '../object-path';
import { requestScope } from '../request-scope';
import { type UploadBody, uploadBody } from '../upload-body';

const signedQuery = z.object({ token: z.string().min(1) });

const isUpsert = (req: Request) => req.get('x-upsert')?.toLowerCase() === 'true';

/**
 * An upload's input with `extra` fields. The use case reads cache control and user metadata only once the
 * bytes are stored, so getters let it see multipart text fields that follow the file part.
 */
function uploadInput<T extends object>(upload: UploadBody, extra: T) {
  return Object.defineProperties(
    {
      ...extra,
      body: upload.body,
      contentType: upload.contentType,
      ...(upload.contentLength !== undefined && { contentLength: upload.contentLength }),
    },
    {
      cacheControl: { get: () => upload.cacheControl, enumerable: true },
      userMetadata: { get: () => upload.userMetadata, enumerable: true },
    },
  ) as T &
    Omit<UploadBody, 'cacheControl' | 'userMetadata'> &
    Pick<UploadBody, 'cacheControl' | 'userMetadata'>;
}

/** Signed upload URLs (contract section 6). The plain upload routes come from `uploadHandler`. */
export function signedUploadRoutes(context: StorageContext): Router {
  const router = Router();

  router.post('/object/upload/sign/:bucket/*key', authenticate(context.tokens), async (req, res) => {
    const { bucketId, key } = objectPath(req);
    const scope = requestScope(req, res, 'object.upload_sign');
    const token = await createSignedUploadUrl(context, scope, bucketId, key, isUpsert(req));
    res.json({ url: `/object/upload/sign/${encodePath(`${bucketId}/${key}`)}?token=${token}`, token });
  });

  router.put('/object/upload/sign/:bucket/*key', async (req, res) => {
    const { token } = signedQuery.parse(req.query);
    const { bucketId, key } = objectPath(req);
    const scope = requestScope(req, res, 'object.upload_signed');
    const upload = await uploadBody(req);
    const input = uploadInput(upload, { token, requestedPath: `${bucketId}/${key}` });
    const object = await uploadToSignedUrl(context, scope, input);
    res.json({ Key: `${object.bucketId}/${object.name}`, Id: object.id });
  });

  return router;
}

/** `POST` (create; replace with `x-upsert: true`) and `PUT` (replace or create) of `/object/:bucket/*key`. */
export function uploadHandler(context: StorageContext): RequestHandler {
  return async (req, res) => {
    const { bucketId, key } = objectPath(req);
    const scope = requestScope(req, res, req.method === 'PUT' ? 'object.update' : 'object.upload');
    const upload = await uploadBody(req);
    const upsert = req.method === 'PUT' || isUpsert(req);
    const object = await uploadObject(context, scope, uploadInput(upload, { bucketId, key, upsert }));
    res.json({ Key: `${object.bucketId}/${object.name}`, Id: object.id });
  };
}
