import {
  createSignedUrl,
  createSignedUrls,
  type StorageContext,
  UNREADABLE_OBJECT_MESSAGE,
} from '@stowage/core';
import express, { Router } from 'express';
import { z } from 'zod';
import { authenticate } from '../authenticate';
import { encodePath, objectPath } from '../object-path';
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

/** Signed download URLs, one or many (contract section 6). */
export function signRoutes(context: StorageContext): Router {
  const router = Router();
  const auth = authenticate(context.tokens);
  const json = express.json();

  router.post('/object/sign/:bucket/*key', auth, json, async (req, res) => {
    const body = signBody.parse(req.body ?? {});
    const { bucketId, key } = objectPath(req);
    const transform = transformations(body.transform);
    const scope = requestScope(req, res, 'object.sign');
    const token = await createSignedUrl(context, scope, bucketId, key, body.expiresIn, transform);
    res.json({ signedURL: signedUrl(bucketId, key, token, transform !== undefined) });
  });

  router.post('/object/sign/:bucket', auth, json, async (req, res) => {
    const body = signManyBody.parse(req.body ?? {});
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
  });

  return router;
}
