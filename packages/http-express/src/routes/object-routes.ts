import { copyObject, deleteObject, deleteObjects, moveObject, type StorageContext } from '@stowage/core';
import express, { Router } from 'express';
import { z } from 'zod';
import { authenticate } from '../authenticate';
import { objectRowJson } from '../object-json';
import { objectPath } from '../object-path';
import { requestScope } from '../request-scope';
import { download } from './download-routes';
import { uploadHandler } from './upload-routes';

const moveBody = z.object({
  bucketId: z.string(),
  sourceKey: z.string(),
  destinationKey: z.string(),
  destinationBucket: z.string().nullish(),
});

const copyBody = moveBody.extend({
  metadata: z.object({ cacheControl: z.string().optional(), mimetype: z.string().optional() }).nullish(),
  copyMetadata: z.boolean().optional(),
});

const deleteBody = z.object({ prefixes: z.array(z.string()) });

/**
 * Move, copy, delete, and the catch-all `/object/:bucket/*key` upload and download routes (contract
 * section 6). Mounted after every more specific `/object/...` route.
 */
export function objectRoutes(context: StorageContext): Router {
  const router = Router();
  const auth = authenticate(context.tokens);
  const json = express.json();

  router.post('/object/move', auth, json, async (req, res) => {
    const body = moveBody.parse(req.body ?? {});
    await moveObject(context, requestScope(req, res, 'object.move'), {
      bucketId: body.bucketId,
      sourceKey: body.sourceKey,
      destinationKey: body.destinationKey,
      ...(body.destinationBucket && { destinationBucket: body.destinationBucket }),
    });
    res.json({ message: 'Successfully moved' });
  });

  router.post('/object/copy', auth, json, async (req, res) => {
    const body = copyBody.parse(req.body ?? {});
    const object = await copyObject(context, requestScope(req, res, 'object.copy'), {
      bucketId: body.bucketId,
      sourceKey: body.sourceKey,
      destinationKey: body.destinationKey,
      ...(body.destinationBucket && { destinationBucket: body.destinationBucket }),
      ...(body.metadata && { metadata: body.metadata }),
      ...(body.copyMetadata !== undefined && { copyMetadata: body.copyMetadata }),
      upsert: req.get('x-upsert')?.toLowerCase() === 'true',
    });
    res.json({ Key: `${object.bucketId}/${object.name}`, ...objectRowJson(object) });
  });

  router.delete('/object/:bucket', auth, json, async (req, res) => {
    const { prefixes } = deleteBody.parse(req.body ?? {});
    const scope = requestScope(req, res, 'object.delete_many');
    const deleted = await deleteObjects(context, scope, req.params.bucket as string, prefixes);
    res.json(deleted.map(objectRowJson));
  });

  router.delete('/object/:bucket/*key', auth, async (req, res) => {
    const { bucketId, key } = objectPath(req);
    await deleteObject(context, requestScope(req, res, 'object.delete'), bucketId, key);
    res.json({ message: 'Successfully deleted' });
  });

  router.post('/object/:bucket/*key', auth, uploadHandler(context));
  router.put('/object/:bucket/*key', auth, uploadHandler(context));
  router.get('/object/:bucket/*key', auth, download(context, 'authenticated'));
  return router;
}
