/**
 * Domain errors. Each carries a stable `code` from the wire contract; the HTTP layer (and later the S3
 * layer) is the only place that turns a code into a status and a body.
 */
export type ErrorCode =
  | 'InvalidRequest'
  | 'AccessDenied'
  | 'NoSuchBucket'
  | 'NoSuchKey'
  | 'NoSuchUpload'
  | 'InvalidPart'
  | 'InvalidPartOrder'
  | 'EntityTooSmall'
  | 'BucketAlreadyExists'
  | 'KeyAlreadyExists'
  | 'ResourceAlreadyExists'
  | 'ResourceNotEmpty'
  | 'InvalidMimeType'
  | 'EntityTooLarge'
  | 'InvalidKey'
  | 'InvalidBucketName'
  | 'InvalidSignature'
  | 'ExpiredToken'
  | 'InvalidRange'
  | 'DatabaseTimeout'
  | 'BackendUnavailable'
  | 'InternalError';

export class StorageError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = code;
  }
}

export const isStorageError = (error: unknown, code?: ErrorCode): error is StorageError =>
  error instanceof StorageError && (code === undefined || error.code === code);

/** Constructors for every error of the contract, so call sites read as the contract does. */
export const errors = {
  invalidRequest: (message: string) => new StorageError('InvalidRequest', message),
  accessDenied: (message = 'new row violates row-level security policy', cause?: unknown) =>
    new StorageError('AccessDenied', message, { cause }),
  noSuchBucket: (message = 'Bucket not found') => new StorageError('NoSuchBucket', message),
  noSuchKey: (message = 'Object not found') => new StorageError('NoSuchKey', message),
  noSuchUpload: (message = 'Upload not found') => new StorageError('NoSuchUpload', message),
  invalidPart: (message = 'One or more of the specified parts could not be found') =>
    new StorageError('InvalidPart', message),
  invalidPartOrder: () =>
    new StorageError('InvalidPartOrder', 'The list of parts was not in ascending order'),
  entityTooSmall: () =>
    new StorageError(
      'EntityTooSmall',
      'Your proposed upload is smaller than the minimum allowed object size',
    ),
  bucketAlreadyExists: () => new StorageError('BucketAlreadyExists', 'The resource already exists'),
  keyAlreadyExists: () => new StorageError('KeyAlreadyExists', 'The resource already exists'),
  resourceAlreadyExists: () => new StorageError('ResourceAlreadyExists', 'The resource already exists'),
  resourceNotEmpty: () => new StorageError('ResourceNotEmpty', 'The bucket you tried to delete is not empty'),
  invalidMimeType: (mimeType: string) =>
    new StorageError('InvalidMimeType', `mime type ${mimeType} is not supported`),
  entityTooLarge: () => new StorageError('EntityTooLarge', 'The object exceeded the maximum allowed size'),
  invalidKey: (key: string) => new StorageError('InvalidKey', `Invalid key: ${key}`),
  invalidBucketName: (name: string) => new StorageError('InvalidBucketName', `Bucket name invalid: ${name}`),
  invalidSignature: (message = 'Invalid signature') => new StorageError('InvalidSignature', message),
  expiredToken: (message = 'The token has expired') => new StorageError('ExpiredToken', message),
  invalidRange: () => new StorageError('InvalidRange', 'The requested range is not satisfiable'),
  databaseTimeout: (cause?: unknown) =>
    new StorageError('DatabaseTimeout', 'The database is overloaded, try again', { cause }),
  backendUnavailable: (message: string, cause?: unknown) =>
    new StorageError('BackendUnavailable', message, { cause }),
  internal: (message: string, cause?: unknown) => new StorageError('InternalError', message, { cause }),
};
