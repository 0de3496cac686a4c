import { findReadableObject, findSignedObject, type ReadAccess, type StorageContext } from '@stowage/core';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { objectInfoJson, objectInfoJsonSchema } from '../object-json';
import { objectPath } from '../object-path';
import type { ApiRouter } from '../openapi/api-router';
import type { ResponseSpec } from '../openapi/route-spec';
import { requestScope } from '../request-scope';
import { sendObject } from '../send-object';

const signedQuery = z.object({ token: z.string().min(1).describe('The token of a signed URL') });

/** `?download` asks for `Content-Disposition: attachment`, with the given file name when it has one. */
export const downloadQuery = z.object({ download: z.string().optional() });

export const objectBytes: ResponseSpec = {
  description: 'The bytes (206 with a Range header); HEAD answers the headers only',
  contentType: 'application/octet-stream',
};
export const objectParams = { bucket: 'The bucket id' };
const tags = ['object'];

/**
 * Downloads (GET and HEAD) and info of objects through the caller's policies, public buckets and signed
 * URLs (contract section 6). The catch-all `/object/:bucket/*key` download is registered by
 * `objectRoutes`, after every more specific route.
 */
export function downloadRoutes(api: ApiRouter, context: StorageContext): void {
  api.route(
    {
      method: 'get',
      path: '/object/sign/:bucket/*key',
      summary: 'Download through a signed URL',
      tags,
      auth: 'none',
      params: objectParams,
      query: signedQuery.extend(downloadQuery.shape),
      responses: { 200: objectBytes },
    },
    async ({ query }, req, res) => {
      const { bucketId, key } = objectPath(req);
      const scope = requestScope(req, res, 'object.get_signed');
      const { object } = await findSignedObject(context, scope, query.token, `${bucketId}/${key}`);
      await sendObject(context, req, res, object);
    },
  );
  for (const access of ['public', 'authenticated'] as const) {
    api.route(
      {
        method: 'get',
        path: `/object/${access}/:bucket/*key`,
        summary:
          access === 'public' ? 'Download from a public bucket' : "Download through the caller's policies",
        tags,
        auth: access === 'public' ? 'none' : 'bearer',
        params: objectParams,
        query: downloadQuery,
        responses: { 200: objectBytes },
      },
      download(context, access),
    );
  }
  for (const path of [
    '/object/info/public/:bucket/*key',
    '/object/info/authenticated/:bucket/*key',
    '/object/info/:bucket/*key',
  ]) {
    const access = path.startsWith('/object/info/public/') ? 'public' : 'authenticated';
    api.route(
      {
        method: 'get',
        path,
        summary:
          access === 'public' ? "An object's information, in a public bucket" : "An object's information",
        tags,
        auth: access === 'public' ? 'none' : 'bearer',
        params: objectParams,
        responses: { 200: { description: 'The object', body: objectInfoJsonSchema } },
      },
      info(context, access),
    );
  }
}

/** Streams an object the caller may read. */
export function download(context: StorageContext, access: ReadAccess) {
  return async (_input: unknown, req: Request, res: Response) => {
    const { bucketId, key } = objectPath(req);
    const scope = requestScope(req, res, req.method === 'HEAD' ? 'object.head' : 'object.get');
    const object = await findReadableObject(context, scope, access, bucketId, key);
    await sendObject(context, req, res, object);
  };
}

function info(context: StorageContext, access: ReadAccess) {
  return async (_input: unknown, req: Request, res: Response) => {
    const { bucketId, key } = objectPath(req);
    const scope = requestScope(req, res, 'object.info');
    const object = await findReadableObject(context, scope, access, bucketId, key);
    res.json(objectInfoJson(object));
  };
}
