import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { errors, readObject, type StorageContext, type StoredObject } from '@stowage/core';
import type { Request, Response } from 'express';
import { parseByteRange } from './byte-range';
import { contentDisposition } from './content-disposition';

/**
 * Bodies up to this size are gathered and sent with the headers in one write, sparing a pipeline and
 * its stream bookkeeping per small download; larger ones stream.
 */
const GATHERED_BODY = 64 * 1024;

/** Whether the client's cached copy is current: `If-None-Match` first, else `If-Modified-Since`. */
export function isNotModified(req: Request, etag: string, lastModified: Date): boolean {
  const ifNoneMatch = req.get('if-none-match');
  if (ifNoneMatch) {
    const bare = etag.replace(/^W\//, '');
    return ifNoneMatch
      .split(',')
      .map((tag) => tag.trim().replace(/^W\//, ''))
      .some((tag) => tag === '*' || tag === bare || tag === `"${bare.replaceAll('"', '')}"`);
  }
  const since = Date.parse(req.get('if-modified-since') ?? '');
  return !Number.isNaN(since) && Math.floor(lastModified.getTime() / 1000) <= Math.floor(since / 1000);
}

/**
 * Answers a download or HEAD with the object's headers, honouring conditional requests, `Range` and
 * `?download`; streams the bytes from the blob store.
 */
export async function sendObject(
  context: StorageContext,
  req: Request,
  res: Response,
  object: StoredObject,
): Promise<void> {
  const size = object.metadata?.size ?? 0;
  const etag = object.metadata?.eTag ?? '';
  const lastModified = new Date(object.metadata?.lastModified ?? object.updatedAt);
  const cacheHeaders = {
    'cache-control': object.metadata?.cacheControl ?? 'no-cache',
    'last-modified': lastModified.toUTCString(),
    'accept-ranges': 'bytes',
    ...(etag && { etag }),
  };
  if (isNotModified(req, etag, lastModified)) {
    res.status(304).set(cacheHeaders).end();
    return;
  }

  let range: ReturnType<typeof parseByteRange>;
  try {
    range = parseByteRange(req.get('range'), size);
  } catch (error) {
    res.set('content-range', `bytes */${size}`);
    throw error;
  }
  const length = range ? range.end - range.start + 1 : size;
  // Opened (and a short body read) before any header is set, so a missing blob still gets a clean error.
  const bytes = req.method === 'HEAD' ? undefined : await readObject(context, object, range);
  const body = bytes && length <= GATHERED_BODY ? await gather(bytes, length) : undefined;
  res.set({ ...cacheHeaders, 'content-length': String(length) });
  // Not `res.set`, which would append a charset to the type the object was stored with.
  res.setHeader('content-type', object.metadata?.mimetype ?? 'application/octet-stream');
  const download = req.query.download;
  if (typeof download === 'string') res.set('content-disposition', contentDisposition(download));
  if (range) res.status(206).set('content-range', `bytes ${range.start}-${range.end}/${size}`);
  if (body) res.end(body);
  else if (bytes) await pipeline(bytes, res);
  else res.end();
}

/** Reads a short stream whole; a blob that does not have the length its object records is an error. */
async function gather(bytes: Readable, length: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of bytes) {
    chunks.push(chunk);
    received += chunk.length;
    // Leaving the loop destroys the stream: a blob longer than its record is not read on.
    if (received > length) break;
  }
  if (received !== length) {
    throw errors.internal(`The stored blob does not have the ${length} bytes its object records`);
  }
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
}
