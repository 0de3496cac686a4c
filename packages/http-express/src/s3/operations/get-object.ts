import { pipeline } from 'node:stream/promises';
import { findReadableObject, readObject, type StorageContext, type StoredObject } from '@stowage/core';
import type { Request, RequestHandler } from 'express';
import { parseByteRange } from '../../byte-range';
import { objectPath } from '../../object-path';
import { requestScope } from '../../request-scope';
import { s3QueryOf } from '../s3-authenticate';
import { s3Errors } from '../s3-error';
import { metadataHeaders } from '../s3-metadata';

/** `response-*` query parameters override these headers of a GetObject answer. */
const OVERRIDES = [
  'content-type',
  'content-language',
  'expires',
  'cache-control',
  'content-disposition',
  'content-encoding',
];

const bareTag = (tag: string) => tag.trim().replace(/^W\//, '').replaceAll('"', '');

const matchesAny = (header: string, etag: string) =>
  header.split(',').some((tag) => tag.trim() === '*' || bareTag(tag) === bareTag(etag));

/** Seconds since the epoch, as HTTP dates carry them; `undefined` for a missing or bad date. */
const secondsOf = (header: string | undefined) => {
  const time = Date.parse(header ?? '');
  return Number.isNaN(time) ? undefined : Math.floor(time / 1000);
};

/**
 * The conditional headers, in RFC 9110's order: If-Match (else If-Unmodified-Since) failing is
 * PreconditionFailed; If-None-Match matching (else If-Modified-Since not modified) is a 304.
 */
function notModified(req: Request, etag: string, lastModified: Date): boolean {
  const modified = Math.floor(lastModified.getTime() / 1000);
  const ifMatch = req.get('if-match');
  const unmodifiedSince = secondsOf(req.get('if-unmodified-since'));
  if (
    ifMatch !== undefined
      ? !matchesAny(ifMatch, etag)
      : unmodifiedSince !== undefined && modified > unmodifiedSince
  ) {
    throw s3Errors.preconditionFailed();
  }
  const ifNoneMatch = req.get('if-none-match');
  if (ifNoneMatch !== undefined) return matchesAny(ifNoneMatch, etag);
  const modifiedSince = secondsOf(req.get('if-modified-since'));
  return modifiedSince !== undefined && modified <= modifiedSince;
}

function objectHeaders(object: StoredObject): Record<string, string> {
  const lastModified = new Date(object.metadata?.lastModified ?? object.updatedAt);
  return {
    etag: object.metadata?.eTag ?? '',
    'last-modified': lastModified.toUTCString(),
    'cache-control': object.metadata?.cacheControl ?? 'no-cache',
    'accept-ranges': 'bytes',
    ...metadataHeaders(object.userMetadata),
  };
}

/**
 * GetObject and HeadObject: the object through the caller's policies (or a public bucket), honouring
 * the conditional headers, a single `Range` (`a-b`, `a-`, `-n`) and `response-*` overrides.
 */
export const getObjectOperation =
  (context: StorageContext): RequestHandler =>
  async (req, res) => {
    const { bucketId, key } = objectPath(req);
    const head = req.method === 'HEAD';
    const scope = requestScope(req, res, head ? 's3.HeadObject' : 's3.GetObject');
    const object = await findReadableObject(context, scope, 'authenticated', bucketId, key);
    const size = object.metadata?.size ?? 0;
    const headers = objectHeaders(object);
    if (notModified(req, headers.etag ?? '', new Date(headers['last-modified'] ?? 0))) {
      res.status(304).set(headers).end();
      return;
    }
    let range: ReturnType<typeof parseByteRange>;
    try {
      range = parseByteRange(req.get('range'), size);
    } catch (error) {
      res.set('content-range', `bytes */${size}`);
      throw error;
    }
    const bytes = head ? undefined : await readObject(context, object, range);
    res.set({ ...headers, 'content-length': String(range ? range.end - range.start + 1 : size) });
    res.setHeader('content-type', object.metadata?.mimetype ?? 'application/octet-stream');
    const query = s3QueryOf(res);
    for (const header of OVERRIDES) {
      const value = query.get(`response-${header}`);
      if (value === null) continue;
      if (!/^[\x20-\x7e]*$/.test(value)) throw s3Errors.invalidArgument(`Invalid response-${header}`);
      res.setHeader(header, value);
    }
    if (range) res.status(206).set('content-range', `bytes ${range.start}-${range.end}/${size}`);
    if (!bytes) {
      res.end();
      return;
    }
    await pipeline(bytes, res);
  };
