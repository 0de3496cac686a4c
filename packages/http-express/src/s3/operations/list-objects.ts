import {
  findUploadTarget,
  type ListObjectsV2Page,
  listObjectsV2,
  type StorageContext,
  type StoredObject,
} from '@stowage/core';
import type { RequestHandler } from 'express';
import { requestScope } from '../../request-scope';
import { s3QueryOf } from '../s3-authenticate';
import { s3Errors } from '../s3-error';
import { bucketOf } from '../s3-path';
import { sendXml } from '../s3-xml';
import { awsUriEncode } from '../sigv4/canonical-uri';

const MAX_KEYS = 1000;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what no key contains
const CONTROL = /[\u0000-\u001f\u007f]/;

interface ListArguments {
  readonly prefix: string;
  readonly delimiter: string;
  readonly maxKeys: number;
  readonly encode: (text: string) => string;
}

function listArguments(query: URLSearchParams): ListArguments {
  const prefix = query.get('prefix') ?? '';
  const delimiter = query.get('delimiter') ?? '';
  if (delimiter !== '' && delimiter !== '/')
    throw s3Errors.notImplemented(`The delimiter ${JSON.stringify(delimiter)}`);
  const maxKeys = Number(query.get('max-keys') ?? MAX_KEYS);
  if (!Number.isInteger(maxKeys) || maxKeys < 0) throw s3Errors.invalidArgument('max-keys must be 0 or more');
  const encodingType = query.get('encoding-type');
  if (encodingType !== null && encodingType !== 'url')
    throw s3Errors.invalidArgument('Invalid Encoding Method specified in Request');
  const encode =
    encodingType === 'url'
      ? (text: string) => text.split('/').map(awsUriEncode).join('/')
      : (text: string) => text;
  return { prefix, delimiter, maxKeys: Math.min(maxKeys, MAX_KEYS), encode };
}

const keyArgument = (value: string | null): string | undefined => {
  if (value === null || value === '') return undefined;
  if (CONTROL.test(value)) throw s3Errors.invalidArgument('Keys hold no control characters');
  return value;
};

/** One page of keys the caller's policies let it see; nothing is asked for `max-keys=0`. */
async function listPage(
  context: StorageContext,
  scope: ReturnType<typeof requestScope>,
  bucketId: string,
  args: ListArguments,
  position: { cursor?: string; startAfter?: string },
): Promise<ListObjectsV2Page> {
  if (CONTROL.test(args.prefix)) throw s3Errors.invalidArgument('Keys hold no control characters');
  // S3 tells a missing bucket from an empty one, whatever the caller may see in it.
  await findUploadTarget(context, scope, bucketId);
  if (args.maxKeys === 0) return { folders: [], objects: [] };
  return listObjectsV2(context, scope, {
    bucketId,
    prefix: args.prefix,
    limit: args.maxKeys,
    withDelimiter: args.delimiter === '/',
    sortBy: { column: 'name', order: 'asc' },
    ...position,
  });
}

function entries(page: ListObjectsV2Page, encode: (text: string) => string) {
  return {
    Contents: page.objects.map((object: StoredObject) => ({
      Key: encode(object.name),
      LastModified: new Date(object.metadata?.lastModified ?? object.updatedAt).toISOString(),
      ETag: object.metadata?.eTag ?? '',
      Size: object.metadata?.size ?? 0,
      StorageClass: 'STANDARD',
    })),
    CommonPrefixes: page.folders.map((folder) => ({ Prefix: encode(`${folder}/`) })),
  };
}

/** The fields every listing answer starts with, in S3's order. */
const head = (bucketId: string, args: ListArguments) => ({
  Name: bucketId,
  Prefix: args.encode(args.prefix),
  ...(args.delimiter && { Delimiter: args.encode(args.delimiter) }),
  MaxKeys: args.maxKeys,
});

/** ListObjectsV2: prefix, `/` delimiter, max-keys, continuation-token (ours, opaque), start-after. */
export const listObjectsV2Operation =
  (context: StorageContext): RequestHandler =>
  async (req, res) => {
    const bucketId = bucketOf(req);
    const query = s3QueryOf(res);
    const args = listArguments(query);
    const token = query.get('continuation-token') ?? undefined;
    const startAfter = keyArgument(query.get('start-after'));
    const page = await listPage(context, requestScope(req, res, 's3.ListObjectsV2'), bucketId, args, {
      ...(token !== undefined ? { cursor: token } : startAfter !== undefined && { startAfter }),
    });
    sendXml(res, 'ListBucketResult', {
      ...head(bucketId, args),
      KeyCount: page.objects.length + page.folders.length,
      IsTruncated: page.nextCursor !== undefined,
      ...(token !== undefined && { ContinuationToken: token }),
      ...(page.nextCursor !== undefined && { NextContinuationToken: page.nextCursor }),
      ...(startAfter !== undefined && { StartAfter: args.encode(startAfter) }),
      ...(query.get('encoding-type') === 'url' && { EncodingType: 'url' }),
      ...entries(page, args.encode),
    });
  };

/** The last entry of a page in key order: where the next v1 page starts (a folder as `docs/`). */
function lastEntry(page: ListObjectsV2Page): string | undefined {
  const lastFolder = page.folders.at(-1);
  const lastKey = page.objects.at(-1)?.name;
  const folder = lastFolder === undefined ? undefined : `${lastFolder}/`;
  return [folder, lastKey]
    .filter((entry) => entry !== undefined)
    .sort()
    .at(-1);
}

/** ListObjects (v1): prefix, `/` delimiter, max-keys and marker; NextMarker when truncated. */
export const listObjectsOperation =
  (context: StorageContext): RequestHandler =>
  async (req, res) => {
    const bucketId = bucketOf(req);
    const query = s3QueryOf(res);
    const args = listArguments(query);
    const marker = keyArgument(query.get('marker'));
    const page = await listPage(context, requestScope(req, res, 's3.ListObjects'), bucketId, args, {
      ...(marker !== undefined && { startAfter: marker }),
    });
    const next = page.nextCursor !== undefined ? lastEntry(page) : undefined;
    sendXml(res, 'ListBucketResult', {
      ...head(bucketId, args),
      Marker: args.encode(marker ?? ''),
      IsTruncated: next !== undefined,
      ...(next !== undefined && { NextMarker: args.encode(next) }),
      ...(query.get('encoding-type') === 'url' && { EncodingType: 'url' }),
      ...entries(page, args.encode),
    });
  };
