import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

const TSX = require.resolve('tsx/cli');

// Unique per run: with DATABASE_URL set, the server shares that database with earlier runs.
const bucket = `server-${Date.now()}`;

interface Started {
  child: ChildProcess;
  url: string;
  anonKey: string;
  serviceKey: string;
}

/** Starts the real server as `pnpm start` would, on a free port and a fresh data directory. */
function start(env: NodeJS.ProcessEnv): Promise<Started> {
  const child = spawn(process.execPath, [TSX, path.join(__dirname, '../src/main.ts')], {
    env: { ...process.env, SERVER_PORT: '0', SERVER_HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
      const anonKey = /anon key:\s+(\S+)/.exec(output)?.[1];
      const serviceKey = /service_role key:\s+(\S+)/.exec(output)?.[1];
      if (url && anonKey && serviceKey) resolve({ child, url, anonKey, serviceKey });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
}

describe('the standalone server', () => {
  let dataDir: string;
  let server: Started;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'stowage-server-'));
    server = await start({ STOWAGE_DATA_DIR: dataDir });
  }, 120_000);

  afterAll(async () => {
    if (server && server.child.exitCode === null) {
      server.child.kill('SIGTERM');
      await new Promise((resolve) => server.child.once('exit', resolve));
    }
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers /status and /version', async () => {
    expect((await fetch(`${server.url}/status`)).status).toBe(200);
    const version = await fetch(`${server.url}/version`);
    expect(version.status).toBe(200);
    expect(await version.text()).toMatch(/\d+\.\d+\.\d+/);
  });

  it('prints keys that work: service_role may create a bucket, anon may not', async () => {
    const create = (key: string, name: string) =>
      fetch(`${server.url}/bucket`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name }),
      });
    const asService = await create(server.serviceKey, bucket);
    expect(asService.status).toBe(200);
    expect(await asService.json()).toEqual({ name: bucket });
    const asAnon = await create(server.anonKey, `${bucket}-anon`);
    expect(asAnon.status).toBe(400);
    expect(await asAnon.json()).toMatchObject({ statusCode: '403', code: 'AccessDenied' });
  });

  it('keeps its data under STOWAGE_DATA_DIR and stops cleanly on SIGTERM', async () => {
    const upload = await fetch(`${server.url}/object/${bucket}/hello.txt`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.serviceKey}`, 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect(upload.status).toBe(200);
    server.child.kill('SIGTERM');
    const [code] = await new Promise<[number | null]>((resolve) =>
      server.child.once('exit', (c) => resolve([c])),
    );
    expect(code).toBe(0);

    server = await start({ STOWAGE_DATA_DIR: dataDir });
    const download = await fetch(`${server.url}/object/${bucket}/hello.txt`, {
      headers: { authorization: `Bearer ${server.serviceKey}` },
    });
    expect(await download.text()).toBe('hello');
  }, 120_000);
});
