import {
  findUploadTarget,
  type ListObjectsV2Page,
  listByDelimiter,
  listObjectsV2,
  type StorageContext,
  type StoredObject,
} from '@stowage/core';
import type { RequestHandler } from 'express';
import { requestScope } from '../../request-scope';
import { hasControlCharacters, keyArgument } from '../key-argument';
import { s3QueryOf } from '../s3-authenticate';
import { s3Errors } from '../s3-error';
import { bucketOf } from '../s3-path';
import { sendXml } from '../s3-xml';
import { awsUriEncode } from '../sigv4/canonical-uri';

const MAX_KEYS = 1000;

interface ListArguments {
  readonly prefix: string;
  readonly delimiter: string;
  readonly maxKeys: number;
  readonly encode: (text: string) => string;
}

function listArguments(query: URLSearchParams): ListArguments {
  const prefix = keyArgument(query.get('prefix') ?? '', 'prefix');
  const delimiter = keyArgument(query.get('delimiter') ?? '', 'delimiter');
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

const markerArgument = (value: string | null, name: string): string | undefined =>
  value === null || value === '' ? undefined : keyArgument(value, name);

/** A page of a listing as both versions answer it, and where a truncated one goes on. */
interface ListingPage {
  readonly objects: readonly StoredObject[];
  /** With their trailing delimiter. */
  readonly commonPrefixes: readonly string[];
  /** The v2 continuation token and the v1 NextMarker of a truncated page. */
  readonly next?: { readonly token: string; readonly marker: string };
}

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

/** A continuation token of a listing by another delimiter than `/`: the entry it goes on after. */
function tokenPosition(token: string): string {
  const position = Buffer.from(token, 'base64url').toString('utf8');
  if (position === '' || hasControlCharacters(position)) {
    throw s3Errors.invalidArgument('The continuation token provided is incorrect');
  }
  return position;
}

/**
 * One page of keys the caller's policies let it see; nothing is asked for `max-keys=0`. No delimiter and
 * `/` are the store's own listings (folders by index); any other delimiter is rolled up over plain keys.
 */
async function listPage(
  context: StorageContext,
  scope: ReturnType<typeof requestScope>,
  bucketId: string,
  args: ListArguments,
  position: { token?: string; startAfter?: string },
): Promise<ListingPage> {
  // S3 tells a missing bucket from an empty one, whatever the caller may see in it.
  await findUploadTarget(context, scope, bucketId);
  if (args.maxKeys === 0) return { objects: [], commonPrefixes: [] };
  if (args.delimiter === '' || args.delimiter === '/') {
    const page = await listObjectsV2(context, scope, {
      bucketId,
      prefix: args.prefix,
      limit: args.maxKeys,
      withDelimiter: args.delimiter === '/',
      sortBy: { column: 'name', order: 'asc' },
      ...(position.token !== undefined ? { cursor: position.token } : { startAfter: position.startAfter }),
    });
    const marker = lastEntry(page);
    return {
      objects: page.objects,
      commonPrefixes: page.folders.map((folder) => `${folder}/`),
      ...(page.nextCursor !== undefined &&
        marker !== undefined && { next: { token: page.nextCursor, marker } }),
    };
  }
  const startAfter = position.token !== undefined ? tokenPosition(position.token) : position.startAfter;
  const page = await listByDelimiter(context, scope, {
    bucketId,
    prefix: args.prefix,
    delimiter: args.delimiter,
    limit: args.maxKeys,
    ...(startAfter !== undefined && { startAfter }),
  });
  return {
    objects: page.objects,
    commonPrefixes: page.commonPrefixes,
    ...(page.last !== undefined && {
      next: { token: Buffer.from(page.last).toString('base64url'), marker: page.last },
    }),
  };
}

function entries(page: ListingPage, encode: (text: string) => string) {
  return {
    Contents: page.objects.map((object: StoredObject) => ({
      Key: encode(object.name),
      LastModified: new Date(object.metadata?.lastModified ?? object.updatedAt).toISOString(),
      ETag: object.metadata?.eTag ?? '',
      Size: object.metadata?.size ?? 0,
      StorageClass: 'STANDARD',
    })),
    CommonPrefixes: page.commonPrefixes.map((prefix) => ({ Prefix: encode(prefix) })),
  };
}

/** The fields every listing answer starts with, in S3's order. */
const head = (bucketId: string, args: ListArguments) => ({
  Name: bucketId,
  Prefix: args.encode(args.prefix),
  ...(args.delimiter && { Delimiter: args.encode(args.delimiter) }),
  MaxKeys: args.maxKeys,
});

/** ListObjectsV2: prefix, any delimiter, max-keys, continuation-token (ours, opaque), start-after. */
export const listObjectsV2Operation =
  (context: StorageContext): RequestHandler =>
  async (req, res) => {
    const bucketId = bucketOf(req);
    const query = s3QueryOf(res);
    const args = listArguments(query);
    const token = query.get('continuation-token') ?? undefined;
    const startAfter = markerArgument(query.get('start-after'), 'start-after');
    const page = await listPage(context, requestScope(req, res, 's3.ListObjectsV2'), bucketId, args, {
      ...(token !== undefined ? { token } : startAfter !== undefined && { startAfter }),
    });
    sendXml(res, 'ListBucketResult', {
      ...head(bucketId, args),
      KeyCount: page.objects.length + page.commonPrefixes.length,
      IsTruncated: page.next !== undefined,
      ...(token !== undefined && { ContinuationToken: token }),
      ...(page.next !== undefined && { NextContinuationToken: page.next.token }),
      ...(startAfter !== undefined && { StartAfter: args.encode(startAfter) }),
      ...(query.get('encoding-type') === 'url' && { EncodingType: 'url' }),
      ...entries(page, args.encode),
    });
  };

/** ListObjects (v1): prefix, any delimiter, max-keys and marker; NextMarker when truncated. */
export const listObjectsOperation =
  (context: StorageContext): RequestHandler =>
  async (req, res) => {
    const bucketId = bucketOf(req);
    const query = s3QueryOf(res);
    const args = listArguments(query);
    const marker = markerArgument(query.get('marker'), 'marker');
    const page = await listPage(context, requestScope(req, res, 's3.ListObjects'), bucketId, args, {
      ...(marker !== undefined && { startAfter: marker }),
    });
    const next = page.next?.marker;
    sendXml(res, 'ListBucketResult', {
      ...head(bucketId, args),
      Marker: args.encode(marker ?? ''),
      IsTruncated: next !== undefined,
      ...(next !== undefined && { NextMarker: args.encode(next) }),
      ...(query.get('encoding-type') === 'url' && { EncodingType: 'url' }),
      ...entries(page, args.encode),
    });
  };
