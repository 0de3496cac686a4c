import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import type { RequestListener } from 'node:http';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type S3rver from 's3rver';
import { uploadsDirectory } from './s3rver-multipart-calls';

interface StoredObject {
  content: Readable | null;
  range?: { start: number; end: number };
}

/** The methods of s3rver's file store (lib/stores/filesystem.js) patched here. */
interface FilesystemStore {
  getObject(
    bucket: string,
    key: string,
    options?: { start?: number; end?: number },
  ): Promise<StoredObject | null>;
  deleteObject(bucket: string, key: string): Promise<void>;
  putObjectMultipart(
    bucket: string,
    uploadId: string,
    parts: { number: number; etag: string }[],
  ): Promise<{ md5: string; size: number }>;
  getResourcePath(bucket: string, key: string, resource: string): string;
}

/**
 * Makes s3rver 3.7.1 behave as S3 does where the blob store relies on it (the multipart calls it lacks
 * are added by `withMultipartCalls`):
 * - it deletes the keys of one DeleteObjects request concurrently, each delete then removing the
 *   directories it emptied, so two keys under one prefix race and the request fails with a 500: one
 *   delete at a time;
 * - it gives a completed multipart object the MD5 of its content as ETag; S3 gives the MD5 of the parts'
 *   MD5s followed by `-<number of parts>`;
 * - it reads `Range: bytes=0-0` as the whole object (an end of 0 counts as none): one byte.
 */
export function fixS3rver(s3rver: S3rver, directory: string): void {
  const store = (s3rver as unknown as { store: FilesystemStore }).store;

  const deleteObject = store.deleteObject.bind(store);
  let previous: Promise<unknown> = Promise.resolve();
  store.deleteObject = (bucket, key) => {
    const next = previous.then(() => deleteObject(bucket, key));
    previous = next.catch(() => undefined);
    return next;
  };

  const putObjectMultipart = store.putObjectMultipart.bind(store);
  store.putObjectMultipart = async (bucket, uploadId, parts) => {
    const key = await readFile(join(uploadsDirectory(directory, bucket), uploadId, 'key'), 'utf8');
    const result = await putObjectMultipart(bucket, uploadId, parts);
    const md5 = createHash('md5');
    for (const part of [...parts].sort((a, b) => a.number - b.number))
      md5.update(Buffer.from(part.etag, 'hex'));
    const etag = `${md5.digest('hex')}-${parts.length}`;
    await writeFile(store.getResourcePath(bucket, key, 'object.md5'), etag);
    return { ...result, md5: etag };
  };

  const getObject = store.getObject.bind(store);
  store.getObject = async (bucket, key, options) => {
    const object = await getObject(bucket, key, options);
    if (options?.start !== 0 || options.end !== 0 || !object?.content) return object;
    object.content.destroy();
    object.content = createReadStream(store.getResourcePath(bucket, key, 'object'), { start: 0, end: 0 });
    object.range = { start: 0, end: 0 };
    return object;
  };
}

/**
 * s3rver 3.7.1 ignores a listing's `encoding-type=url` and sends keys as they are; a client that asked for
 * it (minio always does) URL-decodes them, which garbles a key holding `+` or `%`. Encodes the keys,
 * prefixes and markers of such a listing as S3 does.
 */
export function withListingKeysEncoded(s3rver: RequestListener): RequestListener {
  return (request, response) => {
    const url = new URL(request.url ?? '/', 'http://s3rver');
    const ofBucket = url.pathname.split('/').filter(Boolean).length === 1;
    if (request.method === 'GET' && ofBucket && url.searchParams.get('encoding-type') === 'url') {
      const end = response.end.bind(response) as (...args: unknown[]) => typeof response;
      response.end = ((body?: unknown, ...rest: unknown[]) => {
        if (typeof body !== 'string' && !Buffer.isBuffer(body)) return end(body, ...rest);
        const encoded = body
          .toString()
          .replace(
            /<(Key|Prefix|Marker|NextMarker)>([^<]*)<\/\1>/g,
            (_, tag: string, text: string) => `<${tag}>${encodeURIComponent(unescapeXml(text))}</${tag}>`,
          );
        if (!response.headersSent) response.setHeader('Content-Length', Buffer.byteLength(encoded));
        return end(encoded, ...rest);
      }) as typeof response.end;
    }
    s3rver(request, response);
  };
}

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

const unescapeXml = (text: string): string =>
  text.replace(/&(#x[0-9a-f]+|#[0-9]+|amp|lt|gt|quot|apos);/gi, (_, name: string) =>
    name.startsWith('#')
      ? String.fromCodePoint(
          Number.parseInt(
            name.slice(name[1] === 'x' || name[1] === 'X' ? 2 : 1),
            name[1]?.toLowerCase() === 'x' ? 16 : 10,
          ),
        )
      : (XML_ENTITIES[name] ?? ''),
  );

/**
 * s3rver 3.7.1 reads CopyObject's `x-amz-copy-source` with `decodeURI`, which leaves `%2B`, `%26`, `%3F`,
 * `%23` and the other reserved characters encoded, so a copy from a key holding one of them finds no
 * source; S3 decodes the header fully. Hands s3rver the source re-encoded the way `decodeURI` undoes.
 */
export function withCopySourceDecoded(s3rver: RequestListener): RequestListener {
  return (request, response) => {
    const source = request.headers['x-amz-copy-source'];
    if (typeof source === 'string') {
      try {
        request.headers['x-amz-copy-source'] = encodeURI(decodeURIComponent(source));
      } catch {
        // A malformed header goes to s3rver as it came, which refuses it as S3 would.
      }
    }
    s3rver(request, response);
  };
}
