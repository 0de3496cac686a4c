/**
 * A multipart upload through the S3 endpoint (`/s3`) of a freshly started server, driven by
 * @aws-sdk/client-s3, then a streamed download; prints the server's peak RSS. Usage:
 * pnpm --filter @stowage/server bench:s3-multipart [size in MiB, default 1024] [part size in MiB, default 16]
 * With DATABASE_URL the server runs on a scratch database of that Postgres server (dropped afterwards);
 * without it, on embedded PGlite, whose WebAssembly Postgres lives in the server's own memory.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { createScratchDatabase } from '@stowage/adapter-postgres/testing';
import { startCompiledServer } from './compiled-server';
import { rssMiB } from './process-memory';

const MIB = 1024 * 1024;
const sizeMiB = Number(process.argv[2] ?? 1024);
const partMiB = Number(process.argv[3] ?? 16);
const credentials = { accessKeyId: 'bench-key', secretAccessKey: 'bench-secret-0123456789abcdef' };

async function main(): Promise<void> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'stowage-s3-bench-'));
  const scratch = process.env.DATABASE_URL
    ? await createScratchDatabase(process.env.DATABASE_URL)
    : undefined;
  const server = await startCompiledServer({
    STOWAGE_DATA_DIR: dataDir,
    ...(scratch && { DATABASE_URL: scratch.url }),
    UPLOAD_FILE_SIZE_LIMIT: String(sizeMiB * MIB + 1),
    S3_PROTOCOL_ACCESS_KEY_ID: credentials.accessKeyId,
    S3_PROTOCOL_ACCESS_KEY_SECRET: credentials.secretAccessKey,
  });
  const { url } = server;
  const s3 = new S3Client({ endpoint: `${url}/s3`, region: 'us-east-1', forcePathStyle: true, credentials });
  const { pid } = server;
  try {
    const restingMiB = await rssMiB(pid, 'VmRSS');
    await s3.send(new CreateBucketCommand({ Bucket: 'bench' }));
    let streamingPeak = 0;
    const sampler = setInterval(async () => {
      streamingPeak = Math.max(streamingPeak, await rssMiB(pid, 'VmRSS').catch(() => 0));
    }, 100);
    const started = Date.now();
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: 'bench', Key: 'big.bin' }));
    const parts: { PartNumber: number; ETag?: string }[] = [];
    const part = Buffer.alloc(partMiB * MIB, 'stowage ');
    for (let sent = 0, PartNumber = 1; sent < sizeMiB * MIB; PartNumber++) {
      const Body = part.subarray(0, Math.min(part.length, sizeMiB * MIB - sent));
      const { ETag } = await s3.send(
        new UploadPartCommand({ Bucket: 'bench', Key: 'big.bin', UploadId, PartNumber, Body }),
      );
      parts.push({ PartNumber, ETag });
      sent += Body.length;
    }
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: 'bench',
        Key: 'big.bin',
        UploadId,
        MultipartUpload: { Parts: parts },
      }),
    );
    const upSeconds = (Date.now() - started) / 1000;
    const downStarted = Date.now();
    const { Body } = await s3.send(new GetObjectCommand({ Bucket: 'bench', Key: 'big.bin' }));
    let received = 0;
    for await (const chunk of Body as AsyncIterable<Uint8Array>) received += chunk.length;
    if (received !== sizeMiB * MIB) throw new Error(`downloaded ${received} bytes`);
    const downSeconds = (Date.now() - downStarted) / 1000;
    clearInterval(sampler);
    const peak = await rssMiB(pid, 'VmHWM');
    console.log(`metadata: ${scratch ? 'Postgres' : 'embedded PGlite'}`);
    console.log(`object: ${sizeMiB} MiB in ${parts.length} parts of ${partMiB} MiB through /s3`);
    console.log(`multipart upload: ${upSeconds.toFixed(1)} s (${(sizeMiB / upSeconds).toFixed(0)} MiB/s)`);
    console.log(`download: ${downSeconds.toFixed(1)} s (${(sizeMiB / downSeconds).toFixed(0)} MiB/s)`);
    console.log(
      `server RSS: resting ${restingMiB.toFixed(0)} MiB, peak while streaming ${streamingPeak.toFixed(0)} MiB`,
    );
    console.log(
      `server peak RSS since start (VmHWM, includes start-up and migrations): ${peak.toFixed(0)} MiB`,
    );
  } finally {
    s3.destroy();
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
    await scratch?.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
