import { pipeline } from 'node:stream/promises';
import {
  findReadableObject,
  findSignedObject,
  type ImageContext,
  outputFormat,
  parseImageTransformation,
  parseTransformationsClaim,
  planImageRendering,
  type ReadAccess,
  readRenderedImage,
  renderImage,
  type StorageContext,
  type StoredObject,
  type TransformationParameters,
} from '@stowage/core';
import { type Request, type RequestHandler, type Response, Router } from 'express';
import { z } from 'zod';
import { authenticate } from '../authenticate';
import { contentDisposition } from '../content-disposition';
import { objectPath } from '../object-path';
import { requestScope } from '../request-scope';
import { isNotModified } from '../send-object';

const transformQuery = z.object({
  width: z.string().optional(),
  height: z.string().optional(),
  resize: z.string().optional(),
  quality: z.string().optional(),
  format: z.string().optional(),
});
const signedQuery = z.object({ token: z.string().min(1) });

/**
 * Transformed images (contract section 11), authorized exactly as the matching download route. A signed
 * URL's transformation comes from its token alone: the query cannot change it.
 */
export function renderRoutes(context: StorageContext, images: ImageContext): Router {
  const router = Router();
  const auth = authenticate(context.tokens);

  router.get('/render/image/sign/:bucket/*key', async (req, res) => {
    const { token } = signedQuery.parse(req.query);
    const { bucketId, key } = objectPath(req);
    const scope = requestScope(req, res, 'object.render_signed');
    const { object, claims } = await findSignedObject(context, scope, token, `${bucketId}/${key}`);
    const parameters = parseTransformationsClaim(claims.transformations ?? '');
    await sendRendering(context, images, req, res, object, parameters);
  });
  router.get('/render/image/public/:bucket/*key', render(context, images, 'public'));
  router.get('/render/image/authenticated/:bucket/*key', auth, render(context, images, 'authenticated'));
  return router;
}

function render(context: StorageContext, images: ImageContext, access: ReadAccess): RequestHandler {
  return async (req, res) => {
    const parameters = transformQuery.parse(req.query);
    const { bucketId, key } = objectPath(req);
    const scope = requestScope(req, res, 'object.render');
    const object = await findReadableObject(context, scope, access, bucketId, key);
    await sendRendering(context, images, req, res, object, parameters);
  };
}

/** Answers with the rendering, from the blob store's cache when it was made before. */
async function sendRendering(
  context: StorageContext,
  images: ImageContext,
  req: Request,
  res: Response,
  object: StoredObject,
  parameters: TransformationParameters,
): Promise<void> {
  const transformation = parseImageTransformation(parameters, images.settings);
  const format = outputFormat(transformation, req.get('accept'), object.metadata?.mimetype);
  const plan = planImageRendering(context, object, transformation, format);
  const lastModified = new Date(object.metadata?.lastModified ?? object.updatedAt);
  const cacheHeaders = {
    'cache-control': object.metadata?.cacheControl ?? 'no-cache',
    'last-modified': lastModified.toUTCString(),
    etag: plan.etag,
    vary: 'Accept',
  };
  if (isNotModified(req, plan.etag, lastModified)) {
    res.status(304).set(cacheHeaders).end();
    return;
  }
  const size = await renderImage(context, images, object, plan);
  const bytes = req.method === 'HEAD' ? undefined : await readRenderedImage(context, plan);
  res.set({ ...cacheHeaders, 'content-length': String(size) });
  res.setHeader('content-type', plan.contentType);
  const download = req.query.download;
  if (typeof download === 'string') res.set('content-disposition', contentDisposition(download));
  if (!bytes) {
    res.end();
    return;
  }
  await pipeline(bytes, res);
}
