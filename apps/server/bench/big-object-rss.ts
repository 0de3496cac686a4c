/**
 * Streams a generated object up and down through the REST API of a freshly started server and prints the
 * server's peak RSS (VmHWM). Usage: pnpm --filter @stowage/server bench [size in MiB, default 1024]
 * The server gets this process's environment: DATABASE_URL for Postgres (else embedded PGlite), and
 * STORAGE_BACKEND=s3 for the S3 backend — on a real s3rver started here in a process of its own unless
 * STORAGE_S3_ENDPOINT names a server.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { startCompiledServer } from './compiled-server';
import { rssMiB } from './process-memory';
import { s3Backend } from './s3-backend';

const MIB = 1024 * 1024;
const sizeMiB = Number(process.argv[2] ?? 1024);

function generated(bytes: number): Readable {
  const chunk = Buffer.alloc(MIB, 'stowage ');
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= bytes) return this.push(null);
      const next = chunk.subarray(0, Math.min(MIB, bytes - sent));
      sent += next.length;
      this.push(next);
    },
  });
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'stowage-bench-'));
  const s3 = await s3Backend();
  // Unique per run: on a real Postgres the bucket outlives the run.
  const bucket = `bench-${Date.now()}`;
  const server = await startCompiledServer({
    ...s3.env,
    STOWAGE_DATA_DIR: dataDir,
    UPLOAD_FILE_SIZE_LIMIT: String(sizeMiB * MIB + 1),
  });
  const { url, serviceKey: key } = server;
  const auth = { authorization: `Bearer ${key}` };
  try {
    const restingMiB = await rssMiB(server.pid, 'VmRSS');
    await fetch(`${url}/bucket`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ name: bucket }),
    });
    let streamingPeak = 0;
    const sampler = setInterval(async () => {
      streamingPeak = Math.max(streamingPeak, await rssMiB(server.pid, 'VmRSS').catch(() => 0));
    }, 100);
    let started = Date.now();
    const up = await fetch(`${url}/object/${bucket}/big.bin`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/octet-stream' },
      body: Readable.toWeb(generated(sizeMiB * MIB)) as ReadableStream,
      duplex: 'half',
    } as RequestInit);
    if (up.status !== 200) throw new Error(`upload answered ${up.status}: ${await up.text()}`);
    const upSeconds = (Date.now() - started) / 1000;
    started = Date.now();
    const down = await fetch(`${url}/object/${bucket}/big.bin`, { headers: auth });
    let received = 0;
    for await (const chunk of down.body as unknown as AsyncIterable<Uint8Array>) received += chunk.length;
    if (received !== sizeMiB * MIB) throw new Error(`downloaded ${received} bytes`);
    const downSeconds = (Date.now() - started) / 1000;
    clearInterval(sampler);
    const peak = await rssMiB(server.pid, 'VmHWM');
    const backend = process.env.STORAGE_BACKEND === 's3' ? 's3' : 'file';
    const database = process.env.DATABASE_URL ? 'Postgres' : 'PGlite';
    console.log(`object: ${sizeMiB} MiB, backend ${backend}, database ${database}`);
    console.log(`upload: ${upSeconds.toFixed(1)} s (${(sizeMiB / upSeconds).toFixed(0)} MiB/s)`);
    console.log(`download: ${downSeconds.toFixed(1)} s (${(sizeMiB / downSeconds).toFixed(0)} MiB/s)`);
    console.log(
      `server RSS: resting ${restingMiB.toFixed(0)} MiB, peak while streaming ${streamingPeak.toFixed(0)} MiB`,
    );
    console.log(
      `server peak RSS since start (VmHWM, includes start-up and migrations): ${peak.toFixed(0)} MiB`,
    );
  } finally {
    await server.stop();
    await s3.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
