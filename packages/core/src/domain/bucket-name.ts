import { errors } from '../errors';

const BUCKET_NAME = /^[A-Za-z0-9_.-]{1,100}$/;

/** A bucket id or name: 1–100 of ASCII letters, digits, `-`, `_`, `.`, and not `.` or `..`. */
export const isValidBucketName = (name: string): boolean =>
  BUCKET_NAME.test(name) && name !== '.' && name !== '..';

export function assertBucketName(name: string): string {
  if (!isValidBucketName(name)) throw errors.invalidBucketName(name);
  return name;
}
