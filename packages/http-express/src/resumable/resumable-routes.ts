import {
  errors,
  findUploadTarget,
  isStorageError,
  newVersion,
  ownerFromSub,
  ownerOf,
  type StorageContext,
  systemScope,
  uploadLimitOf,
} from '@stowage/core';
import { Server } from '@tus/server';
import { ERRORS, TUS_RESUMABLE } from '@tus/utils';
import type { ErrorRequestHandler, Request, Response } from 'express';
import { z } from 'zod';
import { type ErrorEnvelope, errorResponse, sendError } from '../error-response';
import type { ApiRouter } from '../openapi/api-router';
import type { RouteSpec } from '../openapi/route-spec';
import { requestScope } from '../request-scope';
import { declaredLength } from '../upload-body';
import { ResumableDataStore, type ResumableGrant, type ResumableSettings } from './resumable-data-store';
import { uploadIdOf, uploadTargetOf } from './upload-id';
import { UploadStoreLocker } from './upload-locker';
import { resumableObjectMetadata } from './upload-metadata';

const PLAIN = '/upload/resumable';
const SIGNED = '/upload/resumable/sign';

const tags = ['resumable'];
const ID = { id: 'The upload id: base64url of `<bucket>/<objectName>/<version>`' };
const tusHeaders = {
  'tus-resumable': z.string().optional().describe('`1.0.0`; required on every request but OPTIONS'),
};
const upsertHeaders = z.object({
  ...tusHeaders,
  'x-upsert': z.string().optional().describe('`true` lets the upload replace an existing object'),
});
const signatureHeaders = z.object({
  ...tusHeaders,
  'x-signature': z.string().optional().describe('The token of a signed upload URL'),
});
const bytes = {
  contentTypes: ['application/offset+octet-stream'],
  description: 'The next bytes of the upload, from `Upload-Offset`',
};

const OPTIONS_SPEC = {
  method: 'options',
  summary: 'The protocol version and extensions (TUS)',
  tags,
  auth: 'none',
  responses: { 204: { description: '`Tus-Version`, `Tus-Extension`' } },
} as const;
const CREATE_SPEC = {
  method: 'post',
  summary: 'Create a resumable upload, optionally with its first bytes (TUS creation)',
  description:
    '`Upload-Length` (or `Upload-Defer-Length: 1`) and `Upload-Metadata` with `bucketName`, `objectName`, ' +
    '`contentType`, `cacheControl` and `metadata`. Checked like a REST upload before any byte is stored.',
  tags,
  stream: bytes,
  responses: { 201: { description: 'Created: `Location` is the upload URL; `Tus-Complete: 1` when done' } },
} as const;
const UPLOAD_SPECS: readonly Omit<RouteSpec, 'path' | 'auth'>[] = [
  {
    method: 'head',
    tags,
    summary: 'The offset of a resumable upload (TUS)',
    responses: { 200: { description: '`Upload-Offset` and `Upload-Length`' } },
  },
  {
    method: 'patch',
    tags,
    summary: 'Append bytes to a resumable upload (TUS); the last byte makes the object',
    stream: bytes,
    responses: { 204: { description: 'The new `Upload-Offset`; `Tus-Complete: 1` when done' } },
  },
  {
    method: 'delete',
    tags,
    summary: 'Terminate an unfinished resumable upload (TUS termination)',
    responses: { 204: { description: 'Terminated, its parts removed' } },
  },
];

/** Which objects a request may upload to; the signed variant allows only its token's one. */
type TargetCheck = (target: { bucketId: string; objectName: string }) => void;

/**
 * The HTTP status of an error on the resumable routes: the semantic one (the REST quirk of HTTP 400 is
 * not TUS's), and 503 rather than 429 for an overloaded database, which tus clients retry.
 */
const tusStatus = (error: unknown, { body }: { body: ErrorEnvelope }): number =>
  isStorageError(error, 'DatabaseTimeout') ? 503 : Number(body.statusCode);

/** A protocol error as tus sends it. */
function tusError(error: unknown) {
  if (!isStorageError(error)) return undefined;
  const response = errorResponse(error);
  return { status_code: tusStatus(error, response), body: JSON.stringify(response.body) };
}

/**
 * Errors raised before tus takes the request (no or a bad JWT, a bad `x-signature`) answer as tus
 * answers its own: the semantic status and `Tus-Resumable`, so tus clients report them as they should.
 */
const tusErrorHandler: ErrorRequestHandler = (error, _req, res, _next) => {
  if (!res.headersSent) res.set('tus-resumable', TUS_RESUMABLE);
  sendError(res, error, (response) => tusStatus(error, response));
};

/**
 * Resumable uploads, TUS 1.0 (contract section 10): `/upload/resumable` for callers with a JWT, and
 * `/upload/resumable/sign` for holders of a signed upload token in `x-signature`. A tus server is made for
 * each request, so its data store works under that request's scope.
 */
export function resumableRoutes(api: ApiRouter, context: StorageContext, settings: ResumableSettings): void {
  const tusServer = (req: Request, path: string, grant: ResumableGrant, check: TargetCheck) => {
    const maxSize = async (id: string | null) => {
      const upload = id === null ? undefined : await settings.uploads.find(id);
      if (upload) return upload.sizeLimit ?? 0;
      const target = id === null ? undefined : uploadTargetOf(id);
      if (!target) return 0;
      return uploadLimitOf(context, await findUploadTarget(context, grant.scope, target.bucketId)) ?? 0;
    };
    return new Server({
      path,
      datastore: new ResumableDataStore(context, settings, grant, declaredLength(req)),
      locker: new UploadStoreLocker(settings.uploads),
      respectForwardedHeaders: true,
      generateUrl: (req, { proto, host, path, id }) =>
        `${proto}://${host}${settings.allowForwardedPrefix ? forwardedPrefix(req) : ''}${path}/${id}`,
      allowedHeaders: ['authorization', 'apikey', 'x-upsert', 'x-signature'],
      exposedHeaders: ['Tus-Complete'],
      maxSize: (_req, id) => maxSize(id),
      namingFunction: (_req, metadata) => {
        const { bucketId, objectName } = resumableObjectMetadata(metadata);
        check({ bucketId, objectName });
        return uploadIdOf({ bucketId, objectName, version: newVersion() });
      },
      onIncomingRequest: async (_req, id) => {
        const target = uploadTargetOf(id);
        if (!target) throw ERRORS.FILE_NOT_FOUND;
        check(target);
      },
      onUploadFinish: async () => ({ headers: { 'Tus-Complete': '1' } }),
      onResponseError: (_req, error) => tusError(error),
    });
  };

  const handle = async (
    req: Request,
    res: Response,
    path: string,
    grant: ResumableGrant,
    check: TargetCheck,
  ) => {
    const version = req.get('tus-resumable');
    // tus answers a missing version with 412 but a wrong one with 400; the protocol says 412 for both.
    if (req.method !== 'OPTIONS' && version !== undefined && version !== TUS_RESUMABLE) {
      res.status(412).set({ 'tus-resumable': TUS_RESUMABLE, 'tus-version': TUS_RESUMABLE }).end();
      return;
    }
    await tusServer(req, path, grant, check).handle(req, res);
  };

  const signed = async (req: Request, res: Response) => {
    const token = req.get('x-signature');
    if (!token) throw errors.invalidSignature('The x-signature header is required');
    const claims = await context.tokens.verifyUrlToken(token, 'upload');
    const { request } = requestScope(req, res, 'object.upload_signed');
    const grant = {
      scope: systemScope('object.upload_signed', request),
      upsert: claims.upsert === true,
      owner: ownerFromSub(claims.owner),
    };
    await handle(req, res, SIGNED, grant, ({ bucketId, objectName }) => {
      if (`${bucketId}/${objectName}` !== claims.url) throw errors.invalidSignature();
    });
  };
  const plain = async (req: Request, res: Response) => {
    const scope = requestScope(req, res, 'object.upload');
    const upsert = req.get('x-upsert')?.toLowerCase() === 'true';
    await handle(req, res, PLAIN, { scope, upsert, owner: ownerOf(scope.caller) }, () => undefined);
  };
  const options = (path: string) => (_input: unknown, req: Request, res: Response) =>
    handle(req, res, path, anonymousGrant(req, res), () => undefined);

  // The signed routes first: `/upload/resumable/:id` would take `sign` for an id.
  for (const [base, auth, serve] of [
    [SIGNED, 'none', signed],
    [PLAIN, 'bearer', plain],
  ] as const) {
    const headers = auth === 'none' ? signatureHeaders : upsertHeaders;
    api.route({ ...OPTIONS_SPEC, path: base }, options(base));
    api.route({ ...CREATE_SPEC, path: base, auth, headers }, (_input, req, res) => serve(req, res));
    api.route({ ...OPTIONS_SPEC, path: `${base}/:id`, params: ID }, options(base));
    for (const spec of UPLOAD_SPECS) {
      api.route({ ...spec, path: `${base}/:id`, auth, headers, params: ID }, (_input, req, res) =>
        serve(req, res),
      );
    }
  }
  api.router.use(PLAIN, tusErrorHandler);
}

/** The path a gateway mounts the server at, from `X-Forwarded-Prefix`, without its last `/`. */
function forwardedPrefix(req: { headers: Headers }): string {
  const prefix = req.headers.get('x-forwarded-prefix')?.trim() ?? '';
  return /^\/[^\s?#]*$/.test(prefix) ? prefix.replace(/\/+$/, '') : '';
}

/** OPTIONS answers without auth and touches no upload. */
const anonymousGrant = (req: Request, res: Response): ResumableGrant => {
  const scope = requestScope(req, res, 'object.upload');
  return { scope, upsert: false, owner: ownerOf(scope.caller) };
};
