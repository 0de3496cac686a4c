import { findReadableObject, findSignedObject, type ReadAccess, type StorageContext } from '@stowage/core';
import { type RequestHandler, Router } from 'express';
import { z } from 'zod';
import { authenticate } from '../authenticate';
import { objectInfoJson } from '../object-json';
import { objectPath } from '../object-path';
import { requestScope } from '../request-scope';
import { sendObject } from '../send-object';

const signedQuery = z.object({ token: z.string().min(1) });

/**
 * Downloads (GET and HEAD) and info of objects through the caller's policies, public buckets and signed
 * URLs (contract section 6). The catch-all `/object/:bucket/*key` download is registered by
 * `objectRoutes`, after every more specific route.
 */
export function downloadRoutes(context: StorageContext): Router {
  const router = Router();
  const auth = authenticate(context.tokens);

  router.get('/object/sign/:bucket/*key', async (req, res) => {
    const { token } = signedQuery.parse(req.query);
    const { bucketId, key } = objectPath(req);
    const scope = requestScope(req, res, 'object.get_signed');
    const { object } = await findSignedObject(context, scope, token, `${bucketId}/${key}`);
    await sendObject(context, req, res, object);
  });
  router.get('/object/public/:bucket/*key', download(context, 'public'));
  router.get('/object/authenticated/:bucket/*key', auth, download(context, 'authenticated'));

  router.get('/object/info/public/:bucket/*key', info(context, 'public'));
  router.get('/object/info/authenticated/:bucket/*key', auth, info(context, 'authenticated'));
  router.get('/object/info/:bucket/*key', auth, info(context, 'authenticated'));
  return router;
}

/** Streams an object the caller may read. */
export function download(context: StorageContext, access: ReadAccess): RequestHandler {
  return async (req, res) => {
    const { bucketId, key } = objectPath(req);
    const scope = requestScope(req, res, req.method === 'HEAD' ? 'object.head' : 'object.get');
    const object = await findReadableObject(context, scope, access, bucketId, key);
    await sendObject(context, req, res, object);
  };
}

function info(context: StorageContext, access: ReadAccess): RequestHandler {
  return async (req, res) => {
    const { bucketId, key } = objectPath(req);
    const scope = requestScope(req, res, 'object.info');
    const object = await findReadableObject(context, scope, access, bucketId, key);
    res.json(objectInfoJson(object));
  };
}
