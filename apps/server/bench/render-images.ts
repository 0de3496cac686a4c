/**
 * Image transformation throughput of a freshly started server: a 2000×1500 JPEG rendered as a 300×200
 * WebP through `/render/image/authenticated/…` by 8 concurrent connections, cold (every request a source
 * never rendered before, so every request does image work) and warm (one rendering, served from the blob
 * store's cache), with the server's peak RSS. Usage: pnpm --filter @stowage/server bench:render
 * [cold requests, default 120] [warm seconds, default 10]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { startCompiledServer } from './compiled-server';
import { rssMiB } from './process-memory';

const CONNECTIONS = 8;
const coldRequests = Number(process.argv[2] ?? 120);
const warmSeconds = Number(process.argv[3] ?? 10);
const QUERY = 'width=300&height=200&resize=cover';

/** A photo-like 2000×1500 JPEG: smooth noise, so it compresses like a picture, not like static. */
function photo(seed: number): Promise<Buffer> {
  const noise = { type: 'gaussian' as const, mean: 100 + (seed % 50), sigma: 60 };
  return sharp({ create: { width: 400, height: 300, channels: 3, background: '#000', noise } })
    .resize(2000, 1500, { kernel: 'cubic' })
    .jpeg({ quality: 85 })
    .toBuffer();
}

/** Runs `next()` on `CONNECTIONS` workers until it returns false; resolves with requests and seconds. */
async function load(request: (n: number) => Promise<boolean>): Promise<{ done: number; seconds: number }> {
  let issued = 0;
  let done = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (await request(issued++)) done += 1;
    }),
  );
  return { done, seconds: (performance.now() - started) / 1000 };
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'stowage-bench-render-'));
  const server = await startCompiledServer({ STOWAGE_DATA_DIR: dataDir });
  const { url, serviceKey: key } = server;
  const auth = { authorization: `Bearer ${key}` };
  const { pid } = server;
  try {
    await fetch(`${url}/bucket`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'bench' }),
    });
    const sources = await Promise.all(Array.from({ length: 4 }, (_, seed) => photo(seed)));
    for (let n = 0; n < coldRequests; n++) {
      const body = sources[n % sources.length] as Buffer;
      const up = await fetch(`${url}/object/bench/photo-${n}.jpg`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'image/jpeg' },
        body,
      });
      if (up.status !== 200) throw new Error(`upload answered ${up.status}: ${await up.text()}`);
    }
    const restingMiB = await rssMiB(pid, 'VmRSS');
    const uploadPeakMiB = await rssMiB(pid, 'VmHWM');
    const render = async (name: string) => {
      const response = await fetch(`${url}/render/image/authenticated/bench/${name}?${QUERY}`, {
        headers: { ...auth, accept: 'image/webp,*/*' },
      });
      const bytes = await response.arrayBuffer();
      if (response.status !== 200 || response.headers.get('content-type') !== 'image/webp') {
        throw new Error(`render answered ${response.status}: ${Buffer.from(bytes).toString()}`);
      }
    };

    let renderingPeakMiB = 0;
    const sampler = setInterval(async () => {
      renderingPeakMiB = Math.max(renderingPeakMiB, await rssMiB(pid, 'VmRSS').catch(() => 0));
    }, 50);
    const cold = await load(async (n) => {
      if (n >= coldRequests) return false;
      await render(`photo-${n}.jpg`);
      return true;
    });
    const coldPeakMiB = renderingPeakMiB;
    const warmUntil = performance.now() + warmSeconds * 1000;
    const warm = await load(async () => {
      if (performance.now() >= warmUntil) return false;
      await render('photo-0.jpg');
      return true;
    });
    clearInterval(sampler);
    const sourceKiB = Math.round((sources[0]?.length ?? 0) / 1024);
    process.stdout.write(
      `2000×1500 JPEG (${sourceKiB} KiB) → 300×200 WebP, ${CONNECTIONS} connections\n` +
        `cold: ${cold.done} requests in ${cold.seconds.toFixed(1)} s = ${(cold.done / cold.seconds).toFixed(1)} req/s\n` +
        `warm: ${warm.done} requests in ${warm.seconds.toFixed(1)} s = ${(warm.done / warm.seconds).toFixed(1)} req/s\n` +
        `server RSS: ${restingMiB.toFixed(0)} MiB before rendering (peak ${uploadPeakMiB.toFixed(0)} MiB while ` +
        `uploading the sources); sampled peak ${coldPeakMiB.toFixed(0)} MiB while cold, ` +
        `${renderingPeakMiB.toFixed(0)} MiB while cold or warm; VmHWM ${(await rssMiB(pid, 'VmHWM')).toFixed(0)} MiB\n`,
    );
  } finally {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
