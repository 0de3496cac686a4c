import type { Readable } from 'node:stream';
import Busboy, { type BusboyHeaders, type BusboyInstance } from '@fastify/busboy';
import type { Request } from 'express';
import { s3Errors } from '../s3-error';

/** A browser upload form up to its file: the fields before it, and the file still streaming. */
export interface PostForm {
  /** Field values by lower-cased name (form field names match case-insensitively). */
  readonly fields: ReadonlyMap<string, string>;
  readonly file: Readable;
  /** The file part's own name and type, as the browser sent them. */
  readonly filename: string;
  readonly fileType: string;
}

/** S3 reads at most 20 KB of fields; a session token and a long policy fit in this. */
const LIMITS = { fieldSize: 64 * 1024, fields: 64, files: 1, parts: 65 };

/** A field the form must carry; S3 names the missing one. */
export function requiredField(fields: ReadonlyMap<string, string>, name: string): string {
  const value = fields.get(name);
  if (value === undefined || value === '') {
    throw s3Errors.invalidArgument(`Bucket POST must contain a field named '${name}'.`);
  }
  return value;
}

/**
 * Reads a `multipart/form-data` upload form as S3 does: text fields, then the part named `file`, which
 * must come last (fields after it are ignored). Resolves once the file part begins, its bytes unread, so
 * the policy can be checked before any of them is stored; a form that fails later fails the file stream.
 */
export function readPostForm(req: Request): Promise<PostForm> {
  return new Promise((resolve, reject) => {
    let parser: BusboyInstance;
    try {
      parser = Busboy({
        headers: req.headers as BusboyHeaders,
        limits: LIMITS,
        isPartAFile: (name) => name?.toLowerCase() === 'file',
      });
    } catch (error) {
      reject(s3Errors.malformedPostRequest(error instanceof Error ? error.message : 'Invalid form'));
      return;
    }
    const fields = new Map<string, string>();
    let file: Readable | undefined;
    const fail = (error: Error) => {
      if (file) file.destroy(error);
      else reject(error);
    };
    parser.on('field', (name: string, value: string, nameTruncated: boolean, valueTruncated: boolean) => {
      if (file) return;
      const lower = name.toLowerCase();
      if (nameTruncated || valueTruncated) fail(s3Errors.invalidArgument(`The field ${lower} is too long`));
      else if (fields.has(lower)) fail(s3Errors.invalidArgument(`The field ${lower} is given twice`));
      else fields.set(lower, value);
    });
    parser.on(
      'file',
      (_name: string, stream: Readable, filename: string, _encoding: string, type: string) => {
        file = stream;
        // Kept for the pipeline that reads the file; an error before then must not go unhandled.
        stream.on('error', () => undefined);
        resolve({ fields, file: stream, filename: filename ?? '', fileType: type ?? '' });
      },
    );
    for (const limit of ['fieldsLimit', 'partsLimit']) {
      parser.on(limit, () => fail(s3Errors.invalidArgument('The form has too many fields')));
    }
    parser.on('finish', () => {
      if (!file) reject(s3Errors.invalidArgument('POST requires exactly one file upload per request.'));
    });
    parser.on('error', (error: Error) => fail(s3Errors.malformedPostRequest(error.message)));
    req.on('close', () => {
      if (!req.complete) fail(s3Errors.incompleteBody('The client aborted the upload'));
    });
    req.pipe(parser);
  });
}
