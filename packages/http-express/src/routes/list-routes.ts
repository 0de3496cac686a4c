import { listObjects, listObjectsV2, type StorageContext } from '@stowage/core';
import express, { Router } from 'express';
import { z } from 'zod';
import { authenticate } from '../authenticate';
import { listedFolderJson, listedObjectJson } from '../object-json';
import { requestScope } from '../request-scope';

const order = z.enum(['asc', 'desc']).catch('asc');

const listBody = z.object({
  prefix: z.string().nullish(),
  limit: z.number().int().nullish(),
  offset: z.number().int().nullish(),
  sortBy: z
    .object({
      column: z.enum(['name', 'updated_at', 'created_at', 'last_accessed_at']).nullish(),
      order: order.nullish(),
    })
    .nullish(),
  search: z.string().nullish(),
});

const listV2Body = z.object({
  prefix: z.string().nullish(),
  limit: z.number().int().nullish(),
  cursor: z.string().nullish(),
  with_delimiter: z.boolean().nullish(),
  sortBy: z
    .object({ column: z.enum(['name', 'updated_at', 'created_at']).nullish(), order: order.nullish() })
    .nullish(),
});

/** List v1 and v2 (contract section 6). */
export function listRoutes(context: StorageContext): Router {
  const router = Router();
  const auth = authenticate(context.tokens);
  const json = express.json();

  router.post('/object/list/:bucket', auth, json, async (req, res) => {
    const body = listBody.parse(req.body ?? {});
    const entries = await listObjects(context, requestScope(req, res, 'object.list'), {
      bucketId: req.params.bucket as string,
      prefix: body.prefix ?? '',
      limit: body.limit ?? 100,
      offset: body.offset ?? 0,
      sortBy: { column: body.sortBy?.column ?? 'name', order: body.sortBy?.order ?? 'asc' },
      ...(body.search && { search: body.search }),
    });
    res.json(
      entries.map((entry) =>
        entry.object ? listedObjectJson(entry.name, entry.object) : listedFolderJson(entry.name),
      ),
    );
  });

  router.post('/object/list-v2/:bucket', auth, json, async (req, res) => {
    const body = listV2Body.parse(req.body ?? {});
    const page = await listObjectsV2(context, requestScope(req, res, 'object.list_v2'), {
      bucketId: req.params.bucket as string,
      prefix: body.prefix ?? '',
      limit: body.limit ?? 1000,
      ...(body.cursor && { cursor: body.cursor }),
      withDelimiter: body.with_delimiter ?? false,
      sortBy: { column: body.sortBy?.column ?? 'name', order: body.sortBy?.order ?? 'asc' },
    });
    res.json({
      hasNext: page.nextCursor !== undefined,
      ...(page.nextCursor !== undefined && { nextCursor: page.nextCursor }),
      folders: page.folders.map((folder) => ({ key: folder, ...listedFolderJson(`${folder}/`) })),
      objects: page.objects.map((object) => ({ key: object.name, ...listedObjectJson(object.name, object) })),
    });
  });

  return router;
}
