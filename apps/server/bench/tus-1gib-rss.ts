/**
 * A resumable (TUS) upload of a generated object through a freshly started server with tus-js-client
 * (6 MiB chunks, as Supabase's guides set it), printing the server's peak RSS (VmHWM) and the RSS
 * sampled while bytes flow. Usage: pnpm --filter @stowage/server bench:tus [size in MiB, default 1024]
 * The server gets this process's environment: DATABASE_URL for Postgres (else embedded PGlite), and
 * STORAGE_BACKEND=s3 for the S3 backend — on a real s3rver started here in a process of its own unless
 * STORAGE_S3_ENDPOINT names a server.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { Upload } from 'tus-js-client';
import { startCompiledServer } from './compiled-server';
import { rssMiB } from './process-memory';
import { s3Backend } from './s3-backend';

const MIB = 1024 * 1024;
const sizeMiB = Number(process.argv[2] ?? 1024);

function generated(bytes: number): Readable {
  const chunk = Buffer.alloc(MIB, 'resumable ');
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

function tusUpload(url: string, key: string, bucket: string, bytes: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const upload = new Upload(generated(bytes), {
      endpoint: `${url}/upload/resumable`,
      chunkSize: 6 * MIB,
      uploadSize: bytes,
      retryDelays: [],
      headers: { authorization: `Bearer ${key}` },
      metadata: { bucketName: bucket, objectName: 'big.bin', contentType: 'application/octet-stream' },
      onError: reject,
      onSuccess: () => resolve(),
    });
    upload.start();
  });
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'stowage-bench-tus-'));
  const s3 = await s3Backend();
  // Unique per run: on a real Postgres the bucket outlives the run.
  const bucket = `bench-tus-${Date.now()}`;
  const server = await startCompiledServer({
    ...s3.env,
    STOWAGE_DATA_DIR: dataDir,
    UPLOAD_FILE_SIZE_LIMIT: String(sizeMiB * MIB + 1),
  });
  const { url, serviceKey: key } = server;
  try {
    const restingMiB = await rssMiB(server.pid, 'VmRSS');
    await fetch(`${url}/bucket`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: bucket }),
    });
    let streamingPeak = 0;
    const sampler = setInterval(async () => {
      streamingPeak = Math.max(streamingPeak, await rssMiB(server.pid, 'VmRSS').catch(() => 0));
    }, 100);
    const started = Date.now();
    await tusUpload(url, key, bucket, sizeMiB * MIB);
    const seconds = (Date.now() - started) / 1000;
    clearInterval(sampler);
    const info = await fetch(`${url}/object/info/${bucket}/big.bin`, {
      headers: { authorization: `Bearer ${key}` },
    });
    const { size } = (await info.json()) as { size: number };
    if (size !== sizeMiB * MIB) throw new Error(`the object has ${size} bytes`);
    const peak = await rssMiB(server.pid, 'VmHWM');
    const backend = process.env.STORAGE_BACKEND === 's3' ? 's3' : 'file';
    const database = process.env.DATABASE_URL ? 'Postgres' : 'PGlite';
    console.log(`object: ${sizeMiB} MiB, backend ${backend}, database ${database}`);
    console.log(
      `resumable upload: ${sizeMiB} MiB in ${seconds.toFixed(1)} s (${(sizeMiB / seconds).toFixed(0)} MiB/s)`,
    );
    console.log(
      `server RSS: resting ${restingMiB.toFixed(0)} MiB, peak while uploading ${streamingPeak.toFixed(0)} MiB`,
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
