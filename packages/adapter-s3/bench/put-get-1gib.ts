import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { S3BlobStore } from '../src';
import { startS3rver } from '../test/support/s3rver-process';

/**
 * Puts then gets one object of BENCH_BYTES (default 1 GiB) through the S3 blob store against s3rver, which
 * runs in its own process so that only the adapter's memory is measured, and prints this process's peak
 * RSS (the kernel's high-water mark, VmHWM) with the throughput. Run: `pnpm --filter @stowage/adapter-s3 bench`.
 */
const SIZE = Number(process.env.BENCH_BYTES ?? 1024 ** 3);
const CHUNK = 64 * 1024;
const MiB = 1024 * 1024;

const peakRss = (): number => {
  const line = readFileSync('/proc/self/status', 'utf8').match(/^VmHWM:\s+(\d+) kB$/m);
  return line ? Number(line[1]) * 1024 : process.memoryUsage.rss();
};

/** SIZE bytes in socket-sized chunks, never held together. */
function body(): Readable {
  const source = randomBytes(MiB + CHUNK);
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= SIZE) return void this.push(null);
      const length = Math.min(CHUNK, SIZE - sent);
      const offset = (sent * 7) % MiB;
      this.push(Buffer.from(source.subarray(offset, offset + length)));
      sent += length;
    },
  });
}

async function main(): Promise<void> {
  const s3rver = await startS3rver();
  try {
    const store = new S3BlobStore(s3rver.options());
    const before = process.memoryUsage.rss();
    let started = Date.now();
    const written = await store.put('stub/bench/one-gib/v1', body());
    const putSeconds = (Date.now() - started) / 1000;

    started = Date.now();
    const md5 = createHash('md5');
    let read = 0;
    for await (const chunk of await store.get('stub/bench/one-gib/v1')) {
      md5.update(chunk as Buffer);
      read += (chunk as Buffer).length;
    }
    const getSeconds = (Date.now() - started) / 1000;
    if (written.size !== SIZE || read !== SIZE || md5.digest('hex') !== written.etag) {
      throw new Error(`round trip mismatch: wrote ${written.size}, read ${read}`);
    }
    await store.delete(['stub/bench/one-gib/v1']);
    const mib = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`;
    console.log(`object: ${mib(SIZE)}, md5 ${written.etag} verified on read`);
    console.log(`put: ${putSeconds.toFixed(1)} s (${mib(SIZE / putSeconds)}/s)`);
    console.log(`get: ${getSeconds.toFixed(1)} s (${mib(SIZE / getSeconds)}/s)`);
    console.log(`rss before: ${mib(before)}, peak rss of this process: ${mib(peakRss())}`);
  } finally {
    await s3rver.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
