/**
 * Streams a generated object up and down through the REST API of a freshly started server and prints the
 * server's peak RSS (VmHWM). Usage: pnpm --filter @stowage/server bench [size in MiB, default 1024]
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';

const MIB = 1024 * 1024;
const sizeMiB = Number(process.argv[2] ?? 1024);

/** Current (`VmRSS`) or peak (`VmHWM`) resident memory of a process, in MiB. */
async function rssMiB(pid: number, field: 'VmRSS' | 'VmHWM'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) / 1024;
}

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
  // `--import tsx` keeps the server in this one process, so /proc/<pid> is the server's own memory.
  const server = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, '../src/main.ts')], {
    env: {
      ...process.env,
      SERVER_PORT: '0',
      SERVER_HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      STOWAGE_DATA_DIR: dataDir,
      UPLOAD_FILE_SIZE_LIMIT: String(sizeMiB * MIB + 1),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  const { url, key } = await new Promise<{ url: string; key: string }>((resolve, reject) => {
    server.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
      const key = /service_role key:\s+(\S+)/.exec(output)?.[1];
      if (url && key) resolve({ url, key });
    });
    server.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  const auth = { authorization: `Bearer ${key}` };
  try {
    const restingMiB = await rssMiB(server.pid as number, 'VmRSS');
    await fetch(`${url}/bucket`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'bench' }),
    });
    let streamingPeak = 0;
    const sampler = setInterval(async () => {
      streamingPeak = Math.max(streamingPeak, await rssMiB(server.pid as number, 'VmRSS').catch(() => 0));
    }, 100);
    let started = Date.now();
    const up = await fetch(`${url}/object/bench/big.bin`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/octet-stream' },
      body: Readable.toWeb(generated(sizeMiB * MIB)) as ReadableStream,
      duplex: 'half',
    } as RequestInit);
    if (up.status !== 200) throw new Error(`upload answered ${up.status}: ${await up.text()}`);
    const upSeconds = (Date.now() - started) / 1000;
    started = Date.now();
    const down = await fetch(`${url}/object/bench/big.bin`, { headers: auth });
    let received = 0;
    for await (const chunk of down.body as unknown as AsyncIterable<Uint8Array>) received += chunk.length;
    if (received !== sizeMiB * MIB) throw new Error(`downloaded ${received} bytes`);
    const downSeconds = (Date.now() - started) / 1000;
    clearInterval(sampler);
    const peak = await rssMiB(server.pid as number, 'VmHWM');
    console.log(`object: ${sizeMiB} MiB`);
    console.log(`upload: ${upSeconds.toFixed(1)} s (${(sizeMiB / upSeconds).toFixed(0)} MiB/s)`);
    console.log(`download: ${downSeconds.toFixed(1)} s (${(sizeMiB / downSeconds).toFixed(0)} MiB/s)`);
    console.log(
      `server RSS: resting ${restingMiB.toFixed(0)} MiB, peak while streaming ${streamingPeak.toFixed(0)} MiB`,
    );
    console.log(
      `server peak RSS since start (VmHWM, includes start-up and migrations): ${peak.toFixed(0)} MiB`,
    );
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
