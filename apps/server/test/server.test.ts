import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Started, start } from './start-server';

// Unique per run: with DATABASE_URL set, the server shares that database with earlier runs.
const bucket = `server-${Date.now()}`;

describe('the standalone server', () => {
  let dataDir: string;
  let server: Started;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'stowage-server-'));
    server = await start({ STOWAGE_DATA_DIR: dataDir });
  }, 300_000);

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

  it('is ready on /health and exposes HTTP, database, blob backend and runtime metrics on /metrics', async () => {
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({
      ready: true,
      checks: { database: { ok: true }, blobBackend: { ok: true } },
    });
    const put = await fetch(`${server.url}/object/${bucket}/metered.txt`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.serviceKey}`, 'content-type': 'text/plain' },
      body: 'metered',
    });
    expect(put.status).toBe(200);
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toMatch(
      /stowage_http_requests_total\{method="POST",route="\/object\/:bucket\/\*key",status="200"\} 1/,
    );
    expect(text).toMatch(/stowage_db_query_duration_seconds_count [1-9]/);
    expect(text).toMatch(/stowage_blob_operation_duration_seconds_count\{operation="put"\} 1/);
    expect(text).toContain('stowage_blob_operation_errors_total');
    expect(text).toMatch(/nodejs_eventloop_lag_seconds \d/);
    expect(text).toMatch(/process_resident_memory_bytes \d/);
    if (process.env.DATABASE_URL) expect(text).toMatch(/stowage_db_pool_connections\{state="max"\} 10/);
  });

  it('takes a resumable (TUS) upload that becomes an object at its last byte', async () => {
    const b64 = (text: string) => Buffer.from(text).toString('base64');
    const created = await fetch(`${server.url}/upload/resumable`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${server.serviceKey}`,
        'tus-resumable': '1.0.0',
        'upload-length': '5',
        'upload-metadata': `bucketName ${b64(bucket)},objectName ${b64('tus/hello.txt')},contentType ${b64('text/plain')}`,
        'content-type': 'application/offset+octet-stream',
      },
      body: 'hello',
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('tus-complete')).toBe('1');
    expect(created.headers.get('location')).toMatch(new RegExp(`^${server.url}/upload/resumable/`));
    const object = await fetch(`${server.url}/object/${bucket}/tus/hello.txt`, {
      headers: { authorization: `Bearer ${server.serviceKey}` },
    });
    expect(await object.text()).toBe('hello');
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
  }, 300_000);
});
