/**
 * Migrates generated small objects from the file backend to S3 (a real s3rver in another process) with the
 * real command, then verifies them, and prints time and objects/s. Metadata on the Postgres at
 * DATABASE_URL (a scratch database), else on PGlite. Usage: pnpm --filter @stowage/server bench:migrate
 * [number of objects, default 10000] [concurrency, default 4]
 */
import { randomBytes } from 'node:crypto';
import { bytesOf, type CliRun, createMigrationWorld, seed } from '../test/migration-fixture';

const count = Number(process.argv[2] ?? 10_000);
const concurrency = process.argv[3] ?? '4';

async function timed(label: string, run: () => Promise<CliRun>): Promise<CliRun> {
  const started = Date.now();
  const result = await run();
  const seconds = (Date.now() - started) / 1000;
  const summary = result.stdout.split('\n').find((line) => / objects in /.test(line));
  console.log(`${label}: exit ${result.code}, ${seconds.toFixed(1)} s wall (process start included)`);
  console.log(`  ${summary ?? result.stdout + result.stderr}`);
  if (result.code !== 0) throw new Error(`${label} failed:\n${result.stdout}${result.stderr}`);
  return result;
}

async function main(): Promise<void> {
  const world = await createMigrationWorld();
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
    await timed('migrate', () => world.run(args));
    await timed('re-run (nothing left to copy)', () => world.run(args));
    await timed('verify-only', () => world.run([...args, '--verify-only']));
    started = Date.now();
    for (const object of seeded) {
      if (!(await bytesOf(world.s3, object.key)).equals(object.bytes))
        throw new Error(`${object.key} differs`);
    }
    console.log(
      `every object read back from s3 byte for byte in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  } finally {
    await world.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
