import type { Request } from 'express';
import { s3Errors } from '../s3-error';

export const ALGORITHM = 'AWS4-HMAC-SHA256';

/** What a SigV4 request says about its signature, from the `Authorization` header or a presigned query. */
export interface SignedRequestAuth {
  readonly presigned: boolean;
  readonly accessKeyId: string;
  /** `20261124T135500Z` */
  readonly longDate: string;
  readonly signingDate: Date;
  readonly region: string;
  readonly service: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
  /** Presigned URLs: seconds the signature stays valid. */
  readonly expiresIn?: number;
  /** The caller's JWT in session-token mode. */
  readonly sessionToken?: string;
}

const LONG_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const HEADER_FIELD = /(Credential|SignedHeaders|Signature)=([^,\s]+)/g;

/** A SigV4 long date, `20261124T135500Z`. */
export function parseLongDate(longDate: string | undefined): Date {
  const match = LONG_DATE.exec(longDate ?? '');
  if (!match) throw s3Errors.accessDenied('AWS authentication requires a valid Date or x-amz-date header');
  const [, year, month, day, hours, minutes, seconds] = match.map(Number);
  return new Date(Date.UTC(year ?? 0, (month ?? 1) - 1, day, hours, minutes, seconds));
}

/** `AKID/20261124/us-east-1/s3/aws4_request`, checked against the request's date. */
export function parseCredential(credential: string | undefined, longDate: string) {
  const parts = (credential ?? '').split('/');
  const [date, region, service, terminator] = parts.slice(-4);
  const accessKeyId = parts.slice(0, -4).join('/');
  if (parts.length < 5 || !accessKeyId || !region || !service || terminator !== 'aws4_request') {
    throw s3Errors.authorizationMalformed('The authorization credential is malformed');
  }
  if (date !== longDate.slice(0, 8)) {
    throw s3Errors.authorizationMalformed('The credential date does not match the request date');
  }
  return { accessKeyId, region, service };
}

/**
 * The signature details of a request, or `undefined` when it carries none. Only SigV4 is understood;
 * any other scheme is AccessDenied.
 */
export function signedRequestAuth(req: Request, query: URLSearchParams): SignedRequestAuth | undefined {
  const header = req.get('authorization');
  if (header !== undefined) {
    if (!header.startsWith(`${ALGORITHM} `)) {
      throw s3Errors.accessDenied('Only AWS Signature Version 4 (AWS4-HMAC-SHA256) is supported');
    }
    const fields = Object.fromEntries(
      [...header.matchAll(HEADER_FIELD)].map(([, name, value]) => [name, value]),
    );
    const longDate = req.get('x-amz-date') ?? '';
    const signingDate = parseLongDate(longDate);
    const signedHeaders = fields.SignedHeaders?.split(';') ?? [];
    if (!fields.Signature || signedHeaders.length === 0) {
      throw s3Errors.authorizationMalformed('The authorization header is malformed');
    }
    const sessionToken = req.get('x-amz-security-token');
    return {
      presigned: false,
      ...parseCredential(fields.Credential, longDate),
      longDate,
      signingDate,
      signedHeaders,
      signature: fields.Signature,
      ...(sessionToken && { sessionToken }),
    };
  }
  if (!query.has('X-Amz-Signature')) return undefined;
  if (query.get('X-Amz-Algorithm') !== ALGORITHM) {
    throw s3Errors.accessDenied('Only AWS Signature Version 4 (AWS4-HMAC-SHA256) is supported');
  }
  const longDate = query.get('X-Amz-Date') ?? '';
  const signingDate = parseLongDate(longDate);
  const expiresIn = Number(query.get('X-Amz-Expires'));
  if (!Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > 604_800) {
    throw s3Errors.authorizationMalformed('X-Amz-Expires must be between 1 and 604800 seconds');
  }
  const sessionToken = query.get('X-Amz-Security-Token');
  return {
    presigned: true,
    ...parseCredential(query.get('X-Amz-Credential') ?? undefined, longDate),
    longDate,
    signingDate,
    signedHeaders: (query.get('X-Amz-SignedHeaders') ?? '').split(';').filter(Boolean),
    signature: query.get('X-Amz-Signature') ?? '',
    expiresIn,
    ...(sessionToken && { sessionToken }),
  };
}
