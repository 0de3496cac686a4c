import { errors, isStorageError } from '@stowage/core';
import { S3ServerFault, S3Timeout } from './s3-transport';

/** Failures of the network under the S3 connection: the backend cannot be reached. */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'ETIMEDOUT',
]);

/** S3 error codes meaning the backend is up but will not serve us: wrong credentials, throttling. */
const REFUSING = new Set([
  'AccessDenied',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'SlowDown',
  'ServiceUnavailable',
  'InternalError',
]);

/** S3 error codes for a request the caller got wrong, reported as `InvalidRequest`. */
const CALLER_ERRORS = new Set(['InvalidPart', 'InvalidPartOrder', 'EntityTooSmall', 'InvalidRequest']);

const codeOf = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined;

/**
 * Turns what minio or the network threw into the domain's error, so that a caller sees `NoSuchKey` or
 * `NoSuchUpload` for what is missing and `BackendUnavailable` (503-class) whenever S3 itself is the
 * problem. `where` names the server and bucket in those messages.
 */
export function toStorageError(error: unknown, where: { endpoint: string; bucket: string }): Error {
  if (isStorageError(error)) return error;
  const unavailable = (why: string) =>
    errors.backendUnavailable(`S3 backend at ${where.endpoint} is unavailable: ${why}`, error);
  if (error instanceof S3ServerFault || error instanceof S3Timeout) return unavailable(error.message);
  const code = codeOf(error);
  const message = error instanceof Error ? error.message : String(error);
  if (code === undefined) return errors.internal(`S3 request failed: ${message}`, error);
  if (code === 'NoSuchKey' || code === 'NotFound') return errors.noSuchKey();
  if (code === 'NoSuchUpload') return errors.noSuchUpload();
  if (code === 'InvalidRange') return errors.invalidRange();
  if (code === 'NoSuchBucket') return unavailable(`bucket "${where.bucket}" does not exist`);
  if (UNREACHABLE.has(code)) return unavailable(`${code} (${message})`);
  if (REFUSING.has(code)) return unavailable(`${code} (${message})`);
  if (CALLER_ERRORS.has(code)) return errors.invalidRequest(message);
  return errors.internal(`S3 request failed: ${code} (${message})`, error);
}
