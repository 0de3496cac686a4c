import { pipeline } from 'node:stream/promises';
import {
  findReadableObject,
  findSignedObject,
  type ImageContext,
  outputFormat,
  parseImageTransformation,
  parseTransformationsClaim,
  planImageRendering,
  readRenderedImage,
  renderImage,
  type StorageContext,
  type StoredObject,
  type TransformationParameters,
} from '@stowage/core';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { contentDisposition } from '../content-disposition';
import { objectPath } from '../object-path';
import type { ApiRouter } from '../openapi/api-router';
import type { ResponseSpec } from '../openapi/route-spec';
import { requestScope } from '../request-scope';
import { isNotModified } from '../send-object';
import { downloadQuery, objectParams } from './download-routes';

// Strings here: core validates and clamps them, for the query and a token's claim alike.
const transformQuery = z.object({
  width: z.string().optional().describe('Width in pixels, clamped to the configured bounds'),
  height: z.string().optional().describe('Height in pixels, clamped to the configured bounds'),
  resize: z.string().optional().describe('cover (default: fill the box, crop), contain (fit inside) or fill'),
  quality: z.string().optional().describe('20–100, default 80'),
  format: z.string().optional().describe('origin keeps the source format; otherwise negotiated from Accept'),
});
const signedQuery = z.object({ token: z.string().min(1).describe('The token of a signed URL') });

const rendering: ResponseSpec = {
  description: 'The image, in the format asked for or negotiated from Accept (304 when unchanged)',
  contentType: 'image/*',
};
const tags = ['render'];

/**
 * Transformed images (contract section 11), authorized exactly as the matching download route. A signed
 * URL's transformation comes from its token alone: the query cannot change it.
 */
export function renderRoutes(api: ApiRouter, context: StorageContext, images: ImageContext): void {
  api.route(
    {
      method: 'get',
      path: '/render/image/sign/:bucket/*key',
      summary: 'A transformed image through a signed URL (the transformation is in its token)',
      tags,
      auth: 'none',
      params: objectParams,
      query: signedQuery.extend(downloadQuery.shape),
      responses: { 200: rendering },
    },
    async ({ query }, req, res) => {
      const { bucketId, key } = objectPath(req);
      const scope = requestScope(req, res, 'object.render_signed');
      const { object, claims } = await findSignedObject(context, scope, query.token, `${bucketId}/${key}`);
      const parameters = parseTransformationsClaim(claims.transformations ?? '');
      await sendRendering(context, images, req, res, object, parameters);
    },
  );
  for (const access of ['public', 'authenticated'] as const) {
    api.route(
      {
        method: 'get',
        path: `/render/image/${access}/:bucket/*key`,
        summary:
          access === 'public'
            ? 'A transformed image from a public bucket'
            : "A transformed image, through the caller's policies",
        tags,
        auth: access === 'public' ? 'none' : 'bearer',
        params: objectParams,
        query: transformQuery.extend(downloadQuery.shape),
        responses: { 200: rendering },
      },
      async ({ query }, req, res) => {
        const { download: _download, ...parameters } = query;
        const { bucketId, key } = objectPath(req);
        const scope = requestScope(req, res, 'object.render');
        const object = await findReadableObject(context, scope, access, bucketId, key);
        await sendRendering(context, images, req, res, object, parameters);
      },
    );
  }
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
