import { listObjects, listObjectsV2, type StorageContext } from '@stowage/core';
import { z } from 'zod';
import { listedEntryJsonSchema, listedFolderJson, listedObjectJson } from '../object-json';
import type { ApiRouter } from '../openapi/api-router';
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

const listV2Page = z.object({
  hasNext: z.boolean(),
  nextCursor: z.string().optional(),
  folders: z.array(listedEntryJsonSchema.extend({ key: z.string() })),
  objects: z.array(listedEntryJsonSchema.extend({ key: z.string() })),
});
const tags = ['object'];
const params = { bucket: 'The bucket id' };

/** List v1 and v2 (contract section 6). */
export function listRoutes(api: ApiRouter, context: StorageContext): void {
  api.route(
    {
      method: 'post',
      path: '/object/list/:bucket',
      summary: 'List the files and folders directly under a prefix',
      tags,
      auth: 'bearer',
      params,
      body: listBody,
      responses: { 200: { description: 'Files and folders', body: z.array(listedEntryJsonSchema) } },
    },
    async ({ body }, req, res) => {
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
    },
  );

  api.route(
    {
      method: 'post',
      path: '/object/list-v2/:bucket',
      summary: 'List keys under a prefix, a page at a time',
      tags,
      auth: 'bearer',
      params,
      body: listV2Body,
      responses: { 200: { description: 'One page', body: listV2Page } },
    },
    async ({ body }, req, res) => {
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
        objects: page.objects.map((object) => ({
          key: object.name,
          ...listedObjectJson(object.name, object),
        })),
      });
    },
  );
}
