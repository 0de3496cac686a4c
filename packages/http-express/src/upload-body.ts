import { PassThrough, type Readable } from 'node:stream';
import Busboy, { type BusboyHeaders, type BusboyInstance } from '@fastify/busboy';
import { errors } from '@stowage/core';
import type { Request } from 'express';

/**
 * What an upload request carries besides its bytes. With multipart, `cacheControl` and `userMetadata` may
 * still change while the file streams (text fields after the file part); read them once it has ended.
 */
export interface UploadBody {
  readonly body: Readable;
  contentType: string;
  cacheControl: string;
  userMetadata: Record<string, unknown> | null;
  readonly contentLength?: number;
}

const DEFAULT_CACHE_CONTROL = 'no-cache';

/** A form's `cacheControl` field: clients send seconds (`"3600"`), stored as the reference does, `max-age=3600`. */
const formCacheControl = (value: string): string => (/^\d+$/.test(value) ? `max-age=${value}` : value);

/** Reads `x-metadata`: base64 of a JSON object. */
function parseMetadata(text: string, encoding: 'base64' | 'json'): Record<string, unknown> {
  try {
    const json = encoding === 'base64' ? Buffer.from(text, 'base64').toString('utf8') : text;
    const value: unknown = JSON.parse(json);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
  } catch {
    // reported below
  }
  throw errors.invalidRequest('metadata must be a JSON object');
}

/**
 * A client may go away while the use case still asks the database, before anything reads the body: the
 * stream keeps the error (`errored`) for the pipeline that reads it later, instead of crashing the process
 * as an unhandled 'error' event.
 */
const keepingErrors = <T extends Readable>(body: T): T => body.on('error', () => undefined);

/**
 * The body of an upload, raw or `multipart/form-data`, as a stream that is never buffered. A client that
 * goes away mid-body makes the stream fail, so the upload stores nothing.
 */
export function uploadBody(req: Request): Promise<UploadBody> {
  const header = req.get('x-metadata');
  const base = {
    cacheControl: req.get('cache-control') || DEFAULT_CACHE_CONTROL,
    userMetadata: header ? parseMetadata(header, 'base64') : null,
  };
  if (req.is('multipart/form-data')) return multipartBody(req, base);
  const length = declaredLength(req);
  req.on('close', () => {
    if (!req.complete) req.destroy(errors.invalidRequest('The client aborted the upload'));
  });
  return Promise.resolve({
    body: keepingErrors(req),
    contentType: req.get('content-type') || 'application/octet-stream',
    ...base,
    ...(length !== undefined && { contentLength: length }),
  });
}

/** The bytes a request says it carries: its `Content-Length`, absent for a chunked body. */
export function declaredLength(req: Request): number | undefined {
  const header = req.get('content-length');
  const length = Number(header);
  return header !== undefined && /^\d+$/.test(header) && Number.isSafeInteger(length) ? length : undefined;
}

function multipartBody(
  req: Request,
  base: Pick<UploadBody, 'cacheControl' | 'userMetadata'>,
): Promise<UploadBody> {
  return new Promise((resolve, reject) => {
    let parser: BusboyInstance;
    try {
      // The Dart client names the file part "" with filename="", and busboy 1.x would buffer such a
      // part as a text field: here anything but the two known text fields is the file.
      parser = Busboy({
        headers: req.headers as BusboyHeaders,
        isPartAFile: (name, _type, filename) =>
          filename !== undefined || (name !== 'cacheControl' && name !== 'metadata'),
      });
    } catch (error) {
      reject(errors.invalidRequest(error instanceof Error ? error.message : 'Invalid multipart body'));
      return;
    }
    // The file's stream ends only when the whole form is read, so fields after the file still count.
    const out = keepingErrors(new PassThrough());
    const upload: UploadBody = { body: out, contentType: 'application/octet-stream', ...base };
    let started = false;
    const fail = (error: Error) => {
      if (started) out.destroy(error);
      else reject(error);
    };

    parser.on('field', (name: string, value: string) => {
      if (name === 'cacheControl' && value) upload.cacheControl = formCacheControl(value);
      if (name === 'metadata' && value) {
        try {
          upload.userMetadata = parseMetadata(value, 'json');
        } catch (error) {
          fail(error as Error);
        }
      }
    });
    parser.on(
      'file',
      (_name: string, file: Readable, _filename: string, _encoding: string, mimeType: string) => {
        if (started) {
          file.resume();
          return;
        }
        started = true;
        upload.contentType = mimeType || 'application/octet-stream';
        file.on('error', (error: Error) => out.destroy(error));
        file.pipe(out, { end: false });
        resolve(upload);
      },
    );
    parser.on('finish', () => {
      if (started) out.end();
      else reject(errors.invalidRequest('The form has no file'));
    });
    parser.on('error', (error: Error) => fail(errors.invalidRequest(error.message)));
    req.on('close', () => {
      if (!req.complete) fail(errors.invalidRequest('The client aborted the upload'));
    });
    req.pipe(parser);
  });
}
