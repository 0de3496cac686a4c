import { pipeline, Transform } from 'node:stream';
import { errors, type StorageContext, uploadObject } from '@stowage/core';
import type { Request, RequestHandler, Response } from 'express';
import { encodePath } from '../../object-path';
import { requestScope } from '../../request-scope';
import { type PostForm, readPostForm, requiredField } from '../post-policy/post-form';
import { checkPostPolicy, type LengthRange, parsePostPolicy } from '../post-policy/post-policy';
import { verifyPolicySignature } from '../post-policy/post-policy-signature';
import type { S3Credentials } from '../s3-credentials';
import { s3Errors } from '../s3-error';
import { bucketOf } from '../s3-path';
import { xmlDocument } from '../s3-xml';
import { splitUrl } from '../sigv4/canonical-uri';

const META = 'x-amz-meta-';
/** The placeholder S3 replaces, in the form's key, with the name of the uploaded file. */
const FILENAME = '$' + '{filename}';

/** A browser upload: a form posted to the bucket itself, no query, its signature inside the form. */
export const isBrowserUpload = (req: Request): boolean =>
  req.method === 'POST' &&
  splitUrl(req.originalUrl).query.size === 0 &&
  Boolean(req.is('multipart/form-data'));

/** The file's size kept within the policy's content-length-range, checked on the bytes as they flow. */
function lengthRange({ min, max }: LengthRange): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      callback(seen > max ? errors.entityTooLarge() : null, chunk);
    },
    flush(callback) {
      callback(seen < min ? errors.entityTooSmall() : null);
    },
  });
}

const userMetadataOf = (fields: ReadonlyMap<string, string>): Record<string, string> | null => {
  const entries = [...fields].filter(([name]) => name.startsWith(META) && name.length > META.length);
  return entries.length > 0
    ? Object.fromEntries(entries.map(([name, value]) => [name.slice(META.length), value]))
    : null;
};

/** `success_action_redirect` (or the older `redirect`) when it is an http(s) URL; S3 ignores anything else. */
function redirectOf(fields: ReadonlyMap<string, string>): URL | undefined {
  const target = fields.get('success_action_redirect') ?? fields.get('redirect');
  if (!target || !URL.canParse(target)) return undefined;
  const url = new URL(target);
  return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
}

/** S3's answers to a stored upload: a 303 to the redirect, else `success_action_status` (204 by default). */
function sendStored(
  req: Request,
  res: Response,
  form: PostForm,
  stored: { bucket: string; key: string; etag: string },
) {
  const redirect = redirectOf(form.fields);
  if (redirect) {
    redirect.searchParams.set('bucket', stored.bucket);
    redirect.searchParams.set('key', stored.key);
    redirect.searchParams.set('etag', stored.etag);
    res.status(303).set('location', redirect.toString()).end();
    return;
  }
  const location = `${req.protocol}://${req.get('host')}${req.baseUrl}/${stored.bucket}/${encodePath(stored.key)}`;
  res.set({ etag: stored.etag, location });
  const status = form.fields.get('success_action_status');
  if (status === '201') {
    res
      .status(201)
      .type('application/xml')
      .send(
        xmlDocument({
          PostResponse: { Location: location, Bucket: stored.bucket, Key: stored.key, ETag: stored.etag },
        }),
      );
    return;
  }
  res.status(status === '200' ? 200 : 204).end();
}

/**
 * PostObject, the browser upload: the form's policy is verified (signature, expiry, every condition)
 * before a byte is stored, then the file streams through the upload use case as PutObject's body does,
 * so the caller's policies and the bucket's limits apply, within the policy's content-length-range.
 */
export const postObjectOperation =
  (context: StorageContext, credentials: S3Credentials): RequestHandler =>
  async (req, res) => {
    const bucket = bucketOf(req);
    const form = await readPostForm(req);
    const { fields } = form;
    res.locals.caller = await verifyPolicySignature(fields, context.tokens, credentials);
    const key = requiredField(fields, 'key').replaceAll(FILENAME, form.filename);
    const policy = parsePostPolicy(requiredField(fields, 'policy'));
    const values = new Map([...fields, ['bucket', bucket], ['key', key]]);
    if ((fields.get('bucket') ?? bucket) !== bucket) {
      throw s3Errors.invalidArgument('The bucket field names another bucket than the URL');
    }
    const range = checkPostPolicy(policy, values, fields.keys(), new Date());
    const object = await uploadObject(context, requestScope(req, res, 's3.PostObject'), {
      bucketId: bucket,
      key,
      body: pipeline(form.file, lengthRange(range), () => undefined),
      contentType: fields.get('content-type') || form.fileType || 'application/octet-stream',
      cacheControl: fields.get('cache-control') || 'no-cache',
      userMetadata: userMetadataOf(fields),
      upsert: true,
    });
    sendStored(req, res, form, { bucket, key, etag: object.metadata?.eTag ?? '' });
  };
