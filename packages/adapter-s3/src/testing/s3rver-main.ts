import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import S3rver from 's3rver';
import { fixS3rver, withCopySourceDecoded, withListingKeysEncoded } from './s3rver-fixes';
import { withMultipartCalls } from './s3rver-multipart-calls';

/**
 * Child process entry: serves s3rver (fixed, and with the multipart calls it lacks) from the directory
 * given as first argument, with the bucket given as second, on a loopback ephemeral port that it prints
 * as JSON.
 */
async function main(): Promise<void> {
  const [directory, bucket] = process.argv.slice(2);
  if (!directory || !bucket) throw new Error('usage: s3rver-main <directory> <bucket>');
  const s3rver = new S3rver({ directory, silent: true, configureBuckets: [{ name: bucket, configs: [] }] });
  await s3rver.configureBuckets();
  fixS3rver(s3rver, directory);
  const server = createServer(
    withMultipartCalls(directory, withListingKeysEncoded(withCopySourceDecoded(s3rver.callback()))),
  );
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
