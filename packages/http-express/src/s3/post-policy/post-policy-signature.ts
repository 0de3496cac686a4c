import { timingSafeEqual } from 'node:crypto';
import { Hash } from '@smithy/hash-node';
import { getSigningKey } from '@smithy/signature-v4';
import type { Caller, TokenService } from '@stowage/core';
import { signingIdentity } from '../s3-authenticate';
import type { S3Credentials } from '../s3-credentials';
import { s3Errors } from '../s3-error';
import { ALGORITHM, parseCredential, parseLongDate } from '../sigv4/signed-request-auth';
import { requiredField } from './post-form';

const sha256 = Hash.bind(null, 'sha256');

/**
 * Verifies the SigV4 signature of a POST policy: the HMAC-SHA256 of the base64 policy under the signing
 * key of the form's credential scope, derived by smithy as the SDKs derive it. Resolves with the caller,
 * as for a signed request: service_role for the configured key pair, the JWT's identity when the form
 * carries `x-amz-security-token`.
 */
export async function verifyPolicySignature(
  fields: ReadonlyMap<string, string>,
  tokens: TokenService,
  credentials: S3Credentials,
): Promise<Caller> {
  const policy = fields.get('policy');
  if (policy === undefined)
    throw s3Errors.accessDenied('Anonymous uploads are not allowed; sign a POST policy');
  if (requiredField(fields, 'x-amz-algorithm') !== ALGORITHM) {
    throw s3Errors.invalidArgument(`Only ${ALGORITHM} is supported for x-amz-algorithm`);
  }
  const longDate = requiredField(fields, 'x-amz-date');
  parseLongDate(longDate);
  const scope = parseCredential(requiredField(fields, 'x-amz-credential'), longDate);
  const given = Buffer.from(requiredField(fields, 'x-amz-signature'));
  const { caller, secret } = await signingIdentity(
    tokens,
    credentials,
    scope.accessKeyId,
    fields.get('x-amz-security-token'),
  );
  const key = await getSigningKey(
    sha256,
    { accessKeyId: scope.accessKeyId, secretAccessKey: secret },
    longDate.slice(0, 8),
    scope.region,
    scope.service,
  );
  const hmac = new Hash('sha256', key);
  hmac.update(policy);
  const expected = Buffer.from(Buffer.from(await hmac.digest()).toString('hex'));
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    throw s3Errors.signatureDoesNotMatch();
  }
  return caller;
}
