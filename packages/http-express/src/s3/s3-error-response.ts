import { randomUUID } from 'node:crypto';
import { type ErrorCode, isStorageError } from '@stowage/core';
import type { ErrorRequestHandler, Response } from 'express';
import { ZodError } from 'zod';
import { S3Error } from './s3-error';
import { xmlDocument } from './s3-xml';

/** How each domain error reads in S3: its S3 code and HTTP status. */
const S3_SHAPES: Record<ErrorCode, { code: string; status: number }> = {
  InvalidRequest: { code: 'InvalidRequest', status: 400 },
  AccessDenied: { code: 'AccessDenied', status: 403 },
  NoSuchBucket: { code: 'NoSuchBucket', status: 404 },
  NoSuchKey: { code: 'NoSuchKey', status: 404 },
  NoSuchUpload: { code: 'NoSuchUpload', status: 404 },
  InvalidPart: { code: 'InvalidPart', status: 400 },
  InvalidPartOrder: { code: 'InvalidPartOrder', status: 400 },
  EntityTooSmall: { code: 'EntityTooSmall', status: 400 },
  BucketAlreadyExists: { code: 'BucketAlreadyOwnedByYou', status: 409 },
  KeyAlreadyExists: { code: 'PreconditionFailed', status: 412 },
  ResourceAlreadyExists: { code: 'PreconditionFailed', status: 412 },
  ResourceNotEmpty: { code: 'BucketNotEmpty', status: 409 },
  InvalidMimeType: { code: 'InvalidArgument', status: 400 },
  EntityTooLarge: { code: 'EntityTooLarge', status: 400 },
  InvalidKey: { code: 'InvalidArgument', status: 400 },
  InvalidBucketName: { code: 'InvalidBucketName', status: 400 },
  InvalidSignature: { code: 'SignatureDoesNotMatch', status: 403 },
  ExpiredToken: { code: 'ExpiredToken', status: 400 },
  InvalidRange: { code: 'InvalidRange', status: 416 },
  DatabaseTimeout: { code: 'SlowDown', status: 503 },
  BackendUnavailable: { code: 'ServiceUnavailable', status: 503 },
  InternalError: { code: 'InternalError', status: 500 },
};

export interface S3ErrorBody {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

/** The S3 code, status and message for any error an `/s3` request can end with. */
export function s3ErrorResponse(error: unknown): S3ErrorBody {
  if (error instanceof S3Error) return { status: error.status, code: error.code, message: error.message };
  if (isStorageError(error)) return { ...S3_SHAPES[error.code], message: error.message };
  if (error instanceof ZodError) return { status: 400, code: 'InvalidArgument', message: error.message };
  const { status, expose } = (error ?? {}) as { status?: unknown; expose?: unknown };
  if (typeof status === 'number' && status >= 400 && status < 500 && expose !== false) {
    const message = error instanceof Error ? error.message : 'Invalid request';
    return { status, code: status === 413 ? 'EntityTooLarge' : 'InvalidRequest', message };
  }
  return {
    status: 500,
    code: 'InternalError',
    message: 'We encountered an internal error. Please try again.',
  };
}

/** Writes an S3 XML error; HEAD answers carry no body, and a stream already under way is cut. */
export function sendS3Error(res: Response, error: unknown): void {
  if (res.headersSent) {
    res.destroy(error instanceof Error ? error : undefined);
    return;
  }
  const { status, code, message } = s3ErrorResponse(error);
  const requestId = randomUUID();
  if (!res.req.complete) res.set('connection', 'close');
  res.status(status).set({ 'x-amz-request-id': requestId, 'x-amz-error-code': code });
  if (res.req.method === 'HEAD') {
    res.end();
    return;
  }
  const resource = res.req.originalUrl.split('?')[0] ?? '';
  res
    .type('application/xml')
    .send(xmlDocument({ Error: { Code: code, Message: message, Resource: resource, RequestId: requestId } }));
}

/** The `/s3` router's error handler: the one place errors become S3 XML. */
export const s3ErrorHandler: ErrorRequestHandler = (error, _req, res, _next) => sendS3Error(res, error);
