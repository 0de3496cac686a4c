/**
 * Migrates generated small objects from the file backend to S3 (a real s3rver in another process) with the
 * real command, then verifies them, and prints for each run its time, objects/s, peak RSS and the S3
 * requests it made per object (counted by a proxy in front of s3rver). Metadata on the Postgres at
 * DATABASE_URL (a scratch database), else on PGlite. Usage: pnpm --filter @stowage/server bench:migrate
 * [number of objects, default 10000] [concurrency, default 4]
 */
import { randomBytes } from 'node:crypto';
import { type RequestCounter, startRequestCounter } from '@stowage/adapter-s3/testing';
import {
  bytesOf,
  createMigrationWorld,
  type MigrationWorld,
  seed,
  spawnStowage,
} from '../test/migration-fixture';
import { rssMiB } from './process-memory';

const count = Number(process.argv[2] ?? 10_000);
const concurrency = process.argv[3] ?? '4';

/** Runs the command through the counting proxy to the end, sampling its peak RSS on the way. */
async function timed(
  world: MigrationWorld,
  counter: RequestCounter,
  label: string,
  args: readonly string[],
): Promise<void> {
  const started = Date.now();
  const child = spawnStowage(args, { ...world.env, STORAGE_S3_ENDPOINT: counter.endpoint });
  let stdout = '';
  let stderr = '';
  let peak = 0;
  const sample = async () => {
    peak = Math.max(peak, await rssMiB(child.pid as number, 'VmHWM').catch(() => 0));
  };
  const sampler = setInterval(sample, 250);
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (/ objects in /.test(stdout)) void sample();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  }).finally(() => clearInterval(sampler));
  const seconds = (Date.now() - started) / 1000;
  const summary = stdout.split('\n').find((line) => / objects in /.test(line));
  const requests = Object.entries(counter.take())
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([what, n]) => `${what} ${n} (${(n / count).toFixed(3)} per object)`);
  console.log(
    `${label}: exit ${code}, ${seconds.toFixed(1)} s wall (process start included), peak RSS ${peak.toFixed(0)} MiB`,
  );
  console.log(`  ${summary ?? stdout + stderr}`);
  console.log(`  S3 requests: ${requests.join(', ') || 'none'}`);
  if (code !== 0) throw new Error(`${label} failed:\n${stdout}${stderr}`);
}

async function main(): Promise<void> {
  const world = await createMigrationWorld();
  const counter = await startRequestCounter(world.s3rver.endpoint);
  try {
    let started = Date.now();
    const metadata = await world.openMetadata();
    const objects = Array.from({ length: count }, (_, i) => ({
      name: `folder-${i % 100}/object-${i}.bin`,
      bytes: randomBytes(256 + (i % 4096)),
    }));
    const seeded = await seed(metadata, world.file, 'bench', objects, 16);
    await metadata.close();
    const bytes = objects.reduce((sum, object) => sum + object.bytes.length, 0);
    console.log(`database: ${process.env.DATABASE_URL ? 'Postgres' : 'PGlite'}; concurrency ${concurrency}`);
    console.log(
      `seeded ${count} objects (${(bytes / 1024 / 1024).toFixed(1)} MiB) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    const args = ['migrate-blobs', '--from', 'file', '--to', 's3', '--concurrency', concurrency];
    await timed(world, counter, 'migrate', args);
    await timed(world, counter, 're-run (nothing left to copy)', args);
    await timed(world, counter, 'verify-only', [...args, '--verify-only']);
    started = Date.now();
    for (const object of seeded) {
      if (!(await bytesOf(world.s3, object.key)).equals(object.bytes))
        throw new Error(`${object.key} differs`);
    }
    console.log(
      `every object read back from s3 byte for byte in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  } finally {
    await counter.close();
    await world.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
