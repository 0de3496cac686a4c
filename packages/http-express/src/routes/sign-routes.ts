import {
  createSignedUrl,
  createSignedUrls,
  type StorageContext,
  UNREADABLE_OBJECT_MESSAGE,
} from '@stowage/core';
import { z } from 'zod';
import { encodePath, objectPath } from '../object-path';
import type { ApiRouter } from '../openapi/api-router';
import { requestScope } from '../request-scope';

// Dart sends transform values as strings ("width": "100").
const transformValue = z.union([z.number(), z.string()]);
const signBody = z.object({
  expiresIn: z.coerce.number().int(),
  transform: z.record(z.string(), transformValue.nullish()).nullish(),
});
const signManyBody = z.object({ expiresIn: z.coerce.number().int(), paths: z.array(z.string()) });

/** A transform object as the token's `transformations` claim: `width:100,height:100,resize:cover`. */
function transformations(transform: Record<string, unknown> | null | undefined): string | undefined {
  const entries = Object.entries(transform ?? {}).filter(
    ([, value]) => value !== null && value !== undefined,
  );
  return entries.length ? entries.map(([name, value]) => `${name}:${String(value)}`).join(',') : undefined;
}

/** A signed URL relative to the storage root; transformed images are served by the render route. */
const signedUrl = (bucketId: string, key: string, token: string, transformed = false) =>
  `${transformed ? '/render/image/sign' : '/object/sign'}/${encodePath(`${bucketId}/${key}`)}?token=${token}`;

const tags = ['object'];
const params = { bucket: 'The bucket id' };

/** Signed download URLs, one or many (contract section 6). */
export function signRoutes(api: ApiRouter, context: StorageContext): void {
  api.route(
    {
      method: 'post',
      path: '/object/sign/:bucket/*key',
      summary: 'Create a signed download URL',
      tags,
      auth: 'bearer',
      params,
      body: signBody,
      responses: {
        200: { description: 'The URL, relative to the API', body: z.object({ signedURL: z.string() }) },
      },
    },
    async ({ body }, req, res) => {
      const { bucketId, key } = objectPath(req);
      const transform = transformations(body.transform);
      const scope = requestScope(req, res, 'object.sign');
      const token = await createSignedUrl(context, scope, bucketId, key, body.expiresIn, transform);
      res.json({ signedURL: signedUrl(bucketId, key, token, transform !== undefined) });
    },
  );

  api.route(
    {
      method: 'post',
      path: '/object/sign/:bucket',
      summary: 'Create signed download URLs for several objects',
      tags,
      auth: 'bearer',
      params,
      body: signManyBody,
      responses: {
        200: {
          description: 'One entry per path; `error` when the caller may not read it',
          body: z.array(
            z.object({ path: z.string(), signedURL: z.string().nullable(), error: z.string().nullable() }),
          ),
        },
      },
    },
    async ({ body }, req, res) => {
      const bucketId = req.params.bucket as string;
      const scope = requestScope(req, res, 'object.sign_many');
      const results = await createSignedUrls(context, scope, bucketId, body.paths, body.expiresIn);
      res.json(
        results.map(({ path, token }) => ({
          path,
          signedURL: token ? signedUrl(bucketId, path, token) : null,
          error: token ? null : UNREADABLE_OBJECT_MESSAGE,
        })),
      );
    },
  );
}
