import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import S3rver from 's3rver';
import { withMultipartCalls } from './s3rver-multipart-calls';

interface DeletingStore {
  deleteObject(bucket: string, key: string): Promise<void>;
}

/**
 * s3rver deletes the keys of one DeleteObjects request concurrently, and each delete then removes the
 * directories it emptied: two keys under one prefix race and the request fails with a 500. One delete at a
 * time avoids it.
 */
function serializeDeletes(s3rver: S3rver): void {
  const store = (s3rver as unknown as { store: DeletingStore }).store;
  const deleteObject = store.deleteObject.bind(store);
  let previous: Promise<unknown> = Promise.resolve();
  store.deleteObject = (bucket, key) => {
    const next = previous.then(() => deleteObject(bucket, key));
    previous = next.catch(() => undefined);
    return next;
  };
}

/**
 * Child process entry: serves s3rver (plus the multipart calls it lacks) from the directory given as first
 * argument, with the bucket given as second, on a loopback ephemeral port that it prints as JSON.
 */
async function main(): Promise<void> {
  const [directory, bucket] = process.argv.slice(2);
  if (!directory || !bucket) throw new Error('usage: s3rver-main <directory> <bucket>');
  const s3rver = new S3rver({ directory, silent: true, configureBuckets: [{ name: bucket, configs: [] }] });
  await s3rver.configureBuckets();
  serializeDeletes(s3rver);
  const server = createServer(withMultipartCalls(directory, s3rver.callback()));
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
