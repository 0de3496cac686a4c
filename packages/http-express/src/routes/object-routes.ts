import { copyObject, deleteObject, deleteObjects, moveObject, type StorageContext } from '@stowage/core';
import { z } from 'zod';
import { objectRowJson, objectRowJsonSchema } from '../object-json';
import { objectPath } from '../object-path';
import type { ApiRouter } from '../openapi/api-router';
import { requestScope } from '../request-scope';
import { download, downloadQuery, objectBytes } from './download-routes';
import { uploadHandler, uploadHeaders, uploadResponse, uploadStream } from './upload-routes';

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

const tags = ['object'];
const params = { bucket: 'The bucket id' };
const message = (description: string) => ({ description, body: z.object({ message: z.string() }) });

/**
 * Move, copy, delete, and the catch-all `/object/:bucket/*key` upload and download routes (contract
 * section 6). Registered after every more specific `/object/...` route.
 */
export function objectRoutes(api: ApiRouter, context: StorageContext): void {
  api.route(
    {
      method: 'post',
      path: '/object/move',
      summary: 'Move (rename) an object',
      tags,
      auth: 'bearer',
      body: moveBody,
      responses: { 200: message('Moved') },
    },
    async ({ body }, req, res) => {
      await moveObject(context, requestScope(req, res, 'object.move'), {
        bucketId: body.bucketId,
        sourceKey: body.sourceKey,
        destinationKey: body.destinationKey,
        ...(body.destinationBucket && { destinationBucket: body.destinationBucket }),
      });
      res.json({ message: 'Successfully moved' });
    },
  );

  api.route(
    {
      method: 'post',
      path: '/object/copy',
      summary: 'Copy an object',
      tags,
      auth: 'bearer',
      headers: uploadHeaders.pick({ 'x-upsert': true }),
      body: copyBody,
      responses: { 200: { description: 'The copy', body: objectRowJsonSchema.extend({ Key: z.string() }) } },
    },
    async ({ body, headers }, req, res) => {
      const object = await copyObject(context, requestScope(req, res, 'object.copy'), {
        bucketId: body.bucketId,
        sourceKey: body.sourceKey,
        destinationKey: body.destinationKey,
        ...(body.destinationBucket && { destinationBucket: body.destinationBucket }),
        ...(body.metadata && { metadata: body.metadata }),
        ...(body.copyMetadata !== undefined && { copyMetadata: body.copyMetadata }),
        upsert: headers['x-upsert']?.toLowerCase() === 'true',
      });
      res.json({ Key: `${object.bucketId}/${object.name}`, ...objectRowJson(object) });
    },
  );

  api.route(
    {
      method: 'delete',
      path: '/object/:bucket',
      summary: 'Delete several objects',
      tags,
      auth: 'bearer',
      params,
      body: deleteBody,
      responses: { 200: { description: 'The deleted objects', body: z.array(objectRowJsonSchema) } },
    },
    async ({ body }, req, res) => {
      const scope = requestScope(req, res, 'object.delete_many');
      const deleted = await deleteObjects(context, scope, req.params.bucket as string, body.prefixes);
      res.json(deleted.map(objectRowJson));
    },
  );

  api.route(
    {
      method: 'delete',
      path: '/object/:bucket/*key',
      summary: 'Delete an object',
      tags,
      auth: 'bearer',
      params,
      responses: { 200: message('Deleted') },
    },
    async (_input, req, res) => {
      const { bucketId, key } = objectPath(req);
      await deleteObject(context, requestScope(req, res, 'object.delete'), bucketId, key);
      res.json({ message: 'Successfully deleted' });
    },
  );

  const upload = { tags, auth: 'bearer', params, headers: uploadHeaders, stream: uploadStream } as const;
  api.route(
    {
      ...upload,
      method: 'post',
      path: '/object/:bucket/*key',
      summary: 'Upload an object (`x-upsert: true` replaces one)',
      responses: { 200: { description: 'Stored', body: uploadResponse } },
    },
    uploadHandler(context),
  );
  api.route(
    {
      ...upload,
      method: 'put',
      path: '/object/:bucket/*key',
      summary: 'Replace (or create) an object',
      responses: { 200: { description: 'Stored', body: uploadResponse } },
    },
    uploadHandler(context),
  );
  api.route(
    {
      method: 'get',
      path: '/object/:bucket/*key',
      summary: "Download through the caller's policies",
      tags,
      auth: 'bearer',
      params,
      query: downloadQuery,
      responses: { 200: objectBytes },
    },
    download(context, 'authenticated'),
  );
}
