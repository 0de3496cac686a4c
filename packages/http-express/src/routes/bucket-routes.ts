import {
  createBucket,
  deleteBucket,
  emptyBucket,
  getBucket,
  listBuckets,
  type StorageContext,
  updateBucket,
} from '@stowage/core';
import express, { Router } from 'express';
import { z } from 'zod';
import { authenticate } from '../authenticate';
import { bucketJson } from '../bucket-json';
import { requestScope } from '../request-scope';

const fileSizeLimit = z.union([z.number(), z.string()]).nullable().optional();
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

/** `/bucket` routes (contract section 5). */
export function bucketRoutes(context: StorageContext): Router {
  const router = Router();
  router.use('/bucket', authenticate(context.tokens), express.json());

  router.post('/bucket', async (req, res) => {
    const body = createBody.parse(req.body ?? {});
    const bucket = await createBucket(context, requestScope(req, res, 'bucket.create'), {
      name: body.name,
      ...(body.id !== undefined && { id: body.id }),
      ...(body.public !== undefined && { public: body.public }),
      fileSizeLimit: body.file_size_limit ?? null,
      allowedMimeTypes: body.allowed_mime_types ?? null,
    });
    res.json({ name: bucket.name });
  });

  router.get('/bucket', async (req, res) => {
    const query = listQuery.parse(req.query);
    const buckets = await listBuckets(context, requestScope(req, res, 'bucket.list'), query);
    res.json(buckets.map(bucketJson));
  });

  router.get('/bucket/:id', async (req, res) => {
    const bucket = await getBucket(context, requestScope(req, res, 'bucket.get'), req.params.id);
    res.json(bucketJson(bucket));
  });

  router.put('/bucket/:id', async (req, res) => {
    const body = updateBody.parse(req.body ?? {});
    await updateBucket(context, requestScope(req, res, 'bucket.update'), req.params.id, {
      ...(body.public !== undefined && { public: body.public }),
      ...(body.file_size_limit !== undefined && { fileSizeLimit: body.file_size_limit }),
      ...(body.allowed_mime_types !== undefined && { allowedMimeTypes: body.allowed_mime_types }),
    });
    res.json({ message: 'Successfully updated' });
  });

  router.post('/bucket/:id/empty', async (req, res) => {
    await emptyBucket(context, requestScope(req, res, 'bucket.empty'), req.params.id);
    res.json({ message: 'Successfully emptied' });
  });

  router.delete('/bucket/:id', async (req, res) => {
    await deleteBucket(context, requestScope(req, res, 'bucket.delete'), req.params.id);
    res.json({ message: 'Successfully deleted' });
  });

  return router;
}
