import { type ErrorCode, isStorageError, type StorageError } from '@stowage/core';
import type { ErrorRequestHandler, Response } from 'express';
import { ZodError, z } from 'zod';
import { RoleRefused } from './role-refused';

/** The contract's error body. `statusCode` is the semantic status, whatever the HTTP status. */
export interface ErrorEnvelope {
  readonly statusCode: string;
  readonly error: string;
  readonly message: string;
  readonly code: ErrorCode;
}

const SHAPES: Record<ErrorCode, { statusCode: number; error: string }> = {
  InvalidRequest: { statusCode: 400, error: 'Error' },
  AccessDenied: { statusCode: 403, error: 'Unauthorized' },
  NoSuchBucket: { statusCode: 404, error: 'Bucket not found' },
  NoSuchKey: { statusCode: 404, error: 'not_found' },
  NoSuchUpload: { statusCode: 404, error: 'not_found' },
  InvalidPart: { statusCode: 400, error: 'InvalidPart' },
  InvalidPartOrder: { statusCode: 400, error: 'InvalidPartOrder' },
  EntityTooSmall: { statusCode: 400, error: 'EntityTooSmall' },
  BucketAlreadyExists: { statusCode: 409, error: 'Duplicate' },
  KeyAlreadyExists: { statusCode: 409, error: 'Duplicate' },
  ResourceAlreadyExists: { statusCode: 409, error: 'Duplicate' },
  ResourceNotEmpty: { statusCode: 409, error: 'ResourceNotEmpty' },
  InvalidMimeType: { statusCode: 415, error: 'invalid_mime_type' },
  EntityTooLarge: { statusCode: 413, error: 'Payload too large' },
  InvalidKey: { statusCode: 400, error: 'Invalid Input' },
  InvalidBucketName: { statusCode: 400, error: 'Invalid Input' },
  InvalidSignature: { statusCode: 400, error: 'InvalidSignature' },
  ExpiredToken: { statusCode: 400, error: 'ExpiredToken' },
  InvalidRange: { statusCode: 416, error: 'InvalidRange' },
  DatabaseTimeout: { statusCode: 429, error: 'too_many_connections' },
  BackendUnavailable: { statusCode: 503, error: 'Service Unavailable' },
  InternalError: { statusCode: 500, error: 'Internal Server Error' },
};

/** The envelope's schema, for the API's documentation. */
export const errorEnvelopeSchema = z.object({
  statusCode: z.string().describe('The semantic HTTP status, e.g. "404"'),
  error: z.string(),
  message: z.string(),
  code: z.enum(Object.keys(SHAPES) as [ErrorCode, ...ErrorCode[]]),
});

/** Statuses sent as they are; every other client error is HTTP 400 with its status in the body (quirk). */
const PASSTHROUGH_STATUSES = new Set([416, 429, 500, 503]);

/** The HTTP status and body for any error a request can end with. */
export function errorResponse(error: unknown): { httpStatus: number; body: ErrorEnvelope } {
  if (isStorageError(error)) return fromStorageError(error);
  if (error instanceof ZodError) {
    const message = error.issues
      .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
      .join('; ');
    return envelope('InvalidRequest', message);
  }
  const clientStatus = clientErrorStatus(error);
  if (clientStatus !== undefined) {
    const message = error instanceof Error ? error.message : 'Invalid request';
    return clientStatus === 413 ? envelope('EntityTooLarge', message) : envelope('InvalidRequest', message);
  }
  return envelope('InternalError', 'Internal Server Error');
}

function fromStorageError(error: StorageError): { httpStatus: number; body: ErrorEnvelope } {
  const response = envelope(error.code, error.message);
  if (error.code === 'AccessDenied' && error.cause instanceof RoleRefused) {
    return { ...response, httpStatus: 403 };
  }
  return response;
}

function envelope(code: ErrorCode, message: string): { httpStatus: number; body: ErrorEnvelope } {
  const { statusCode, error } = SHAPES[code];
  return {
    httpStatus: PASSTHROUGH_STATUSES.has(statusCode) ? statusCode : 400,
    body: { statusCode: String(statusCode), error, message, code },
  };
}

/** body-parser and the router mark the client's mistakes with an exposed 4xx status. */
function clientErrorStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { status, expose } = error as { status?: unknown; expose?: unknown };
  return typeof status === 'number' && status >= 400 && status < 500 && expose !== false ? status : undefined;
}

const FAILURE = 'failure';

/** The error a request failed with on the server's side (5xx, or a stream cut short), for the log. */
export const failureOf = (res: Response): unknown => res.locals[FAILURE];

/**
 * Writes an error envelope; when headers are already out, the only honest answer is to cut the stream.
 * `statusOf` picks the HTTP status where a protocol wants another than the contract's (TUS).
 */
export function sendError(
  res: Response,
  error: unknown,
  statusOf: (response: { httpStatus: number; body: ErrorEnvelope }) => number = (response) =>
    response.httpStatus,
): void {
  if (res.headersSent) {
    res.locals[FAILURE] = error;
    res.destroy(error instanceof Error ? error : undefined);
    return;
  }
  const response = errorResponse(error);
  const { body } = response;
  const httpStatus = statusOf(response);
  if (httpStatus >= 500) res.locals[FAILURE] = error;
  // An upload refused mid-body is never read to its end: close the connection rather than leave it stuck.
  if (!res.req.complete) res.set('connection', 'close');
  res.status(httpStatus).type('application/json; charset=utf-8').send(JSON.stringify(body));
}

/** The express error handler: the one place errors become responses. */
export const errorHandler: ErrorRequestHandler = (error, _req, res, _next) => sendError(res, error);
