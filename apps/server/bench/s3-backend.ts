import { startS3rver } from '@stowage/adapter-s3/testing';

/**
 * The S3 settings of a bench's server: a fresh s3rver in a process of its own when `STORAGE_BACKEND=s3`
 * is asked for without `STORAGE_S3_ENDPOINT`; nothing to add otherwise.
 */
export async function s3Backend(): Promise<{ env: NodeJS.ProcessEnv; stop: () => Promise<void> }> {
  if (process.env.STORAGE_BACKEND !== 's3' || process.env.STORAGE_S3_ENDPOINT)
    return { env: {}, stop: async () => undefined };
  const s3rver = await startS3rver();
  const options = s3rver.options();
  return {
    env: {
      STORAGE_S3_BUCKET: options.bucket,
      STORAGE_S3_ENDPOINT: options.endpoint,
      AWS_ACCESS_KEY_ID: options.accessKeyId,
      AWS_SECRET_ACCESS_KEY: options.secretAccessKey,
    },
    stop: () => s3rver.stop(),
  };
}
