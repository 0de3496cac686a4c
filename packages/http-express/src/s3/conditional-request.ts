import type { StoredObject } from '@stowage/core';
import type { Request } from 'express';
import { s3Errors } from './s3-error';

/** The four conditional headers of a request, by their role (GetObject's, or CopyObject's copy-source ones). */
export interface Conditions {
  readonly ifMatch?: string;
  readonly ifNoneMatch?: string;
  readonly ifModifiedSince?: string;
  readonly ifUnmodifiedSince?: string;
}

/** What the conditions say of an object: go on, it is unchanged (a 304 for a read), or refuse with 412. */
export type ConditionOutcome = 'pass' | 'not-modified' | 'failed';

const bareTag = (tag: string) => tag.trim().replace(/^W\//, '').replaceAll('"', '');

const matchesAny = (header: string, etag: string) =>
  header.split(',').some((tag) => tag.trim() === '*' || bareTag(tag) === bareTag(etag));

/** Seconds since the epoch, as HTTP dates carry them; `undefined` for a missing or bad date. */
const secondsOf = (header: string | undefined) => {
  const time = Date.parse(header ?? '');
  return Number.isNaN(time) ? undefined : Math.floor(time / 1000);
};

/** When an object last changed, as S3 reports it. */
export const lastModifiedOf = (object: StoredObject): Date =>
  new Date(object.metadata?.lastModified ?? object.updatedAt);

/**
 * Evaluates conditions in RFC 9110's order, as S3 does: If-Match (else If-Unmodified-Since) failing is
 * `failed`; If-None-Match matching (else If-Modified-Since not modified) is `not-modified`.
 */
export function evaluateConditions(
  conditions: Conditions,
  etag: string,
  lastModified: Date,
): ConditionOutcome {
  const modified = Math.floor(lastModified.getTime() / 1000);
  const unmodifiedSince = secondsOf(conditions.ifUnmodifiedSince);
  if (
    conditions.ifMatch !== undefined
      ? !matchesAny(conditions.ifMatch, etag)
      : unmodifiedSince !== undefined && modified > unmodifiedSince
  ) {
    return 'failed';
  }
  if (conditions.ifNoneMatch !== undefined)
    return matchesAny(conditions.ifNoneMatch, etag) ? 'not-modified' : 'pass';
  const modifiedSince = secondsOf(conditions.ifModifiedSince);
  return modifiedSince !== undefined && modified <= modifiedSince ? 'not-modified' : 'pass';
}

/**
 * The `x-amz-copy-source-if-*` headers of a copy as a check of its source, or `undefined` when there are
 * none: any condition that does not hold is PreconditionFailed (412), before anything is copied.
 */
export function copySourceCheck(req: Request) {
  const conditions: Conditions = {
    ifMatch: req.get('x-amz-copy-source-if-match'),
    ifNoneMatch: req.get('x-amz-copy-source-if-none-match'),
    ifModifiedSince: req.get('x-amz-copy-source-if-modified-since'),
    ifUnmodifiedSince: req.get('x-amz-copy-source-if-unmodified-since'),
  };
  if (Object.values(conditions).every((value) => value === undefined)) return undefined;
  return (source: StoredObject): void => {
    if (evaluateConditions(conditions, source.metadata?.eTag ?? '', lastModifiedOf(source)) !== 'pass') {
      throw s3Errors.preconditionFailed();
    }
  };
}
