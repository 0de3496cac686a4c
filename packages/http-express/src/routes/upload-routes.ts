import { createSignedUploadUrl, type StorageContext, uploadObject, uploadToSignedUrl } from '@stowage/core';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { encodePath, objectPath } from '../object-path';
import type { ApiRouter } from '../openapi/api-router';
import type { RouteSpec } from '../openapi/route-spec';
import { requestScope } from '../request-scope';
import { type UploadBody, uploadBody } from '../upload-body';

const signedQuery = z.object({ token: z.string().min(1).describe('The token of the signed upload URL') });

/** The headers an upload reads besides its body (`x-metadata` is read by `uploadBody`). */
export const uploadHeaders = z.object({
  'x-upsert': z.string().optional().describe('`true` replaces an existing object'),
  'cache-control': z.string().optional(),
  'x-metadata': z.string().optional().describe('User metadata: base64 of a JSON object'),
});

/** An upload's body: raw bytes, or a multipart form whose `file` part holds them. */
export const uploadStream: RouteSpec['stream'] = {
  contentTypes: ['application/octet-stream', 'multipart/form-data'],
  description: 'The bytes, raw (any media type) or as the `file` part of a form; streamed, never buffered',
};

/** What an upload answers. */
export const uploadResponse = z.object({ Key: z.string(), Id: z.string() });

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

const tags = ['object'];
const params = { bucket: 'The bucket id' };

/** Signed upload URLs (contract section 6). The plain upload routes come from `uploadHandler`. */
export function signedUploadRoutes(api: ApiRouter, context: StorageContext): void {
  api.route(
    {
      method: 'post',
      path: '/object/upload/sign/:bucket/*key',
      summary: 'Create a signed upload URL',
      tags,
      auth: 'bearer',
      params,
      headers: uploadHeaders.pick({ 'x-upsert': true }),
      responses: {
        200: {
          description: 'The URL, relative to the API, and its token',
          body: z.object({ url: z.string(), token: z.string() }),
        },
      },
    },
    async (_input, req, res) => {
      const { bucketId, key } = objectPath(req);
      const scope = requestScope(req, res, 'object.upload_sign');
      const token = await createSignedUploadUrl(context, scope, bucketId, key, isUpsert(req));
      res.json({ url: `/object/upload/sign/${encodePath(`${bucketId}/${key}`)}?token=${token}`, token });
    },
  );

  api.route(
    {
      method: 'put',
      path: '/object/upload/sign/:bucket/*key',
      summary: 'Upload through a signed upload URL',
      tags,
      auth: 'none',
      params,
      query: signedQuery,
      headers: uploadHeaders.omit({ 'x-upsert': true }),
      stream: uploadStream,
      responses: { 200: { description: 'Stored', body: uploadResponse } },
    },
    async ({ query }, req, res) => {
      const { bucketId, key } = objectPath(req);
      const scope = requestScope(req, res, 'object.upload_signed');
      const upload = await uploadBody(req);
      const input = uploadInput(upload, { token: query.token, requestedPath: `${bucketId}/${key}` });
      const object = await uploadToSignedUrl(context, scope, input);
      res.json({ Key: `${object.bucketId}/${object.name}`, Id: object.id });
    },
  );
}

/** `POST` (create; replace with `x-upsert: true`) and `PUT` (replace or create) of `/object/:bucket/*key`. */
export function uploadHandler(context: StorageContext) {
  return async (_input: unknown, req: Request, res: Response) => {
    const { bucketId, key } = objectPath(req);
    const scope = requestScope(req, res, req.method === 'PUT' ? 'object.update' : 'object.upload');
    const upload = await uploadBody(req);
    const upsert = req.method === 'PUT' || isUpsert(req);
    const object = await uploadObject(context, scope, uploadInput(upload, { bucketId, key, upsert }));
    res.json({ Key: `${object.bucketId}/${object.name}`, Id: object.id });
  };
}
