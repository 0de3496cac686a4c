import {
  createBucket,
  deleteBucket,
  emptyBucket,
  getBucket,
  listBuckets,
  type StorageContext,
  updateBucket,
} from '@stowage/core';
import { z } from 'zod';
import { bucketJson, bucketJsonSchema } from '../bucket-json';
import type { ApiRouter } from '../openapi/api-router';
import { requestScope } from '../request-scope';

const fileSizeLimit = z
  .union([z.number(), z.string()])
  .nullable()
  .optional()
  .describe('Bytes, or a size such as "20MB"');
const allowedMimeTypes = z.array(z.string()).nullable().optional();

const createBody = z.object({
  name: z.string(),
  id: z.string().optional(),
  public: z.boolean().optional(),
  file_size_limit: fileSizeLimit,
  allowed_mime_types: allowedMimeTypes,
});

const updateBody = z.object({
  public: z.boolean().optional(),
  file_size_limit: fileSizeLimit,
  allowed_mime_types: allowedMimeTypes,
});

const listQuery = z.object({
  limit: z.coerce.number().int().min(0).optional(),
  offset: z.coerce.number().int().min(0).optional(),
  sortColumn: z.enum(['id', 'name', 'created_at', 'updated_at']).optional(),
  sortOrder: z.enum(['asc', 'desc']).optional(),
  search: z.string().optional(),
});

const message = (description: string) => ({ description, body: z.object({ message: z.string() }) });
const tags = ['bucket'];
const params = { id: 'The bucket id' };

/** `/bucket` routes (contract section 5). */
export function bucketRoutes(api: ApiRouter, context: StorageContext): void {
  api.route(
    {
      method: 'post',
      path: '/bucket',
      summary: 'Create a bucket',
      tags,
      auth: 'bearer',
      body: createBody,
      responses: { 200: { description: 'Created', body: z.object({ name: z.string() }) } },
    },
    async ({ body }, req, res) => {
      const bucket = await createBucket(context, requestScope(req, res, 'bucket.create'), {
        name: body.name,
        ...(body.id !== undefined && { id: body.id }),
        ...(body.public !== undefined && { public: body.public }),
        fileSizeLimit: body.file_size_limit ?? null,
        allowedMimeTypes: body.allowed_mime_types ?? null,
      });
      res.json({ name: bucket.name });
    },
  );

  api.route(
    {
      method: 'get',
      path: '/bucket',
      summary: 'List the buckets the caller may see',
      tags,
      auth: 'bearer',
      query: listQuery,
      responses: { 200: { description: 'The buckets', body: z.array(bucketJsonSchema) } },
    },
    async ({ query }, req, res) => {
      const buckets = await listBuckets(context, requestScope(req, res, 'bucket.list'), query);
      res.json(buckets.map(bucketJson));
    },
  );

  api.route(
    {
      method: 'get',
      path: '/bucket/:id',
      summary: 'Get a bucket',
      tags,
      auth: 'bearer',
      params,
      responses: { 200: { description: 'The bucket', body: bucketJsonSchema } },
    },
    async (_input, req, res) => {
      const bucket = await getBucket(context, requestScope(req, res, 'bucket.get'), req.params.id as string);
      res.json(bucketJson(bucket));
    },
  );

  api.route(
    {
      method: 'put',
      path: '/bucket/:id',
      summary: 'Update a bucket',
      tags,
      auth: 'bearer',
      params,
      body: updateBody,
      responses: { 200: message('Updated') },
    },
    async ({ body }, req, res) => {
      await updateBucket(context, requestScope(req, res, 'bucket.update'), req.params.id as string, {
        ...(body.public !== undefined && { public: body.public }),
        ...(body.file_size_limit !== undefined && { fileSizeLimit: body.file_size_limit }),
        ...(body.allowed_mime_types !== undefined && { allowedMimeTypes: body.allowed_mime_types }),
      });
      res.json({ message: 'Successfully updated' });
    },
  );

  api.route(
    {
      method: 'post',
      path: '/bucket/:id/empty',
      summary: 'Delete every object of a bucket',
      tags,
      auth: 'bearer',
      params,
      responses: { 200: message('Emptied') },
    },
    async (_input, req, res) => {
      await emptyBucket(context, requestScope(req, res, 'bucket.empty'), req.params.id as string);
      res.json({ message: 'Successfully emptied' });
    },
  );

  api.route(
    {
      method: 'delete',
      path: '/bucket/:id',
      summary: 'Delete an empty bucket',
      tags,
      auth: 'bearer',
      params,
      responses: { 200: message('Deleted') },
    },
    async (_input, req, res) => {
      await deleteBucket(context, requestScope(req, res, 'bucket.delete'), req.params.id as string);
      res.json({ message: 'Successfully deleted' });
    },
  );
}
