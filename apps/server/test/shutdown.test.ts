import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Started, start } from './start-server';

const CHUNK = 'z'.repeat(64 * 1024);

/** Resolves with the exit code once the process has exited. */
const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

/** Files left under a directory, recursively. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}

/** An upload whose body is written chunk by chunk, so it is in flight for as long as the test wants. */
function slowUpload(server: Started, bucket: string, key: string) {
  const url = new URL(`/object/${bucket}/${key}`, server.url);
  const request = http.request(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.serviceKey}`, 'content-type': 'text/plain' },
  });
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    request.once('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.once('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.once('error', reject);
    });
    request.on('error', reject);
  });
  return { request, response };
}

async function createBucket(server: Started, bucket: string) {
  const response = await fetch(`${server.url}/bucket`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.serviceKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: bucket }),
  });
  expect(response.status).toBe(200);
}

describe('shutdown on SIGTERM', () => {
  let dataDir: string;
  let server: Started | undefined;

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'stowage-shutdown-'));
  });

  afterEach(async () => {
    if (server && server.child.exitCode === null) {
      server.child.kill('SIGKILL');
      await exited(server.child);
    }
    await rm(dataDir, { recursive: true, force: true });
  });

  it('stops accepting, lets an upload in flight finish, then exits 0 with the object stored', async () => {
    const bucket = `shutdown-finish-${Date.now()}`;
    server = await start({ STOWAGE_DATA_DIR: dataDir, SHUTDOWN_GRACE_PERIOD_MS: '60000' });
    await createBucket(server, bucket);
    const upload = slowUpload(server, bucket, 'in-flight.txt');
    upload.request.write(CHUNK);
    await sleep(500);
    const exit = exited(server.child);
    server.child.kill('SIGTERM');
    await sleep(1000);
    await expect(fetch(`${server.url}/status`)).rejects.toThrow();
    for (let i = 0; i < 15; i += 1) {
      upload.request.write(CHUNK);
      await sleep(50);
    }
    upload.request.end();
    const answer = await upload.response;
    expect(answer.status).toBe(200);
    expect(await exit).toBe(0);

    server = await start({ STOWAGE_DATA_DIR: dataDir });
    const download = await fetch(`${server.url}/object/${bucket}/in-flight.txt`, {
      headers: { authorization: `Bearer ${server.serviceKey}` },
    });
    expect(download.status).toBe(200);
    expect((await download.text()).length).toBe(16 * CHUNK.length);
  }, 300_000);

  it('cuts off an upload still running when the grace period ends, leaves nothing behind and exits 0', async () => {
    const bucket = `shutdown-cut-${Date.now()}`;
    server = await start({ STOWAGE_DATA_DIR: dataDir, SHUTDOWN_GRACE_PERIOD_MS: '1000' });
    await createBucket(server, bucket);
    const upload = slowUpload(server, bucket, 'cut-off.txt');
    const failed = upload.response.then(
      () => 'answered',
      () => 'cut off',
    );
    upload.request.write(CHUNK);
    await sleep(500);
    const exit = exited(server.child);
    server.child.kill('SIGTERM');
    const writing = setInterval(() => upload.request.write(CHUNK), 100);
    try {
      expect(await exit).toBe(0);
      expect(await failed).toBe('cut off');
    } finally {
      clearInterval(writing);
      upload.request.destroy();
    }
    expect(await filesUnder(path.join(dataDir, 'objects'))).toEqual([]);

    server = await start({ STOWAGE_DATA_DIR: dataDir });
    const download = await fetch(`${server.url}/object/${bucket}/cut-off.txt`, {
      headers: { authorization: `Bearer ${server.serviceKey}` },
    });
    expect(await download.json()).toMatchObject({ statusCode: '404' });
  }, 300_000);
});
