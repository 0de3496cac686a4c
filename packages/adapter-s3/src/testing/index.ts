/** A real S3 server for tests: s3rver in a child process, patched where it falls short of S3. */

export { type RequestCounter, startRequestCounter } from './request-counter';
export { type S3rverProcess, startS3rver } from './s3rver-process';
