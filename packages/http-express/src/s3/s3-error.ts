/**
 * An error of the S3 protocol itself (signatures, unknown operations, malformed XML), which has no
 * meaning outside `/s3`. Domain errors stay `StorageError`s; `s3ErrorResponse` renders both.
 */
export class S3Error extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

export const s3Errors = {
  accessDenied: (message = 'Access Denied') => new S3Error('AccessDenied', 403, message),
  signatureDoesNotMatch: () =>
    new S3Error(
      'SignatureDoesNotMatch',
      403,
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    ),
  invalidAccessKeyId: () =>
    new S3Error(
      'InvalidAccessKeyId',
      403,
      'The AWS Access Key Id you provided does not exist in our records.',
    ),
  authorizationMalformed: (message: string) => new S3Error('AuthorizationHeaderMalformed', 400, message),
  requestTimeTooSkewed: () =>
    new S3Error(
      'RequestTimeTooSkewed',
      403,
      'The difference between the request time and the current time is too large.',
    ),
  expiredRequest: () => new S3Error('AccessDenied', 403, 'Request has expired'),
  contentSha256Mismatch: () =>
    new S3Error(
      'XAmzContentSHA256Mismatch',
      400,
      "The provided 'x-amz-content-sha256' header does not match what was computed.",
    ),
  badDigest: () =>
    new S3Error('BadDigest', 400, 'The Content-MD5 you specified did not match what we received.'),
  incompleteBody: (message = 'The request body ended before the announced length') =>
    new S3Error('IncompleteBody', 400, message),
  invalidArgument: (message: string) => new S3Error('InvalidArgument', 400, message),
  invalidRequest: (message: string) => new S3Error('InvalidRequest', 400, message),
  invalidPolicyDocument: (message: string) => new S3Error('InvalidPolicyDocument', 400, message),
  malformedPostRequest: (message: string) =>
    new S3Error(
      'MalformedPOSTRequest',
      400,
      `The body of your POST request is not well-formed multipart/form-data: ${message}`,
    ),
  malformedXml: () =>
    new S3Error(
      'MalformedXML',
      400,
      'The XML you provided was not well-formed or did not validate against our published schema.',
    ),
  notImplemented: (what: string) =>
    new S3Error('NotImplemented', 501, `${what} is not implemented by this server`),
  preconditionFailed: () =>
    new S3Error('PreconditionFailed', 412, 'At least one of the pre-conditions you specified did not hold'),
};
