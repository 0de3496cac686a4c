import { Registry } from 'prom-client';
import supertest from 'supertest';
import { createStorageApp, type RequestLogger } from '../src';
import { storageAppFixture } from './support/storage-app-fixture';

/** A logger that keeps what it is given, as pino would print it. */
function recordingLogger() {
  const lines: string[] = [];
  const write = (fields: object, message: string) => {
    lines.push(JSON.stringify({ ...fields, msg: message }));
  };
  const logger: RequestLogger = { info: write, error: write };
  return { logger, entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>), lines };
}

async function observedApp(options: { token?: string } = {}) {
  const fixture = await storageAppFixture('file');
  const log = recordingLogger();
  const registry = new Registry();
  const app = createStorageApp({
    context: fixture.context,
    logger: log.logger,
    metrics: { registry, ...(options.token && { token: options.token }) },
  });
  return { ...fixture, app, request: supertest(app), log, registry };
}

describe('the request log', () => {
  it('writes one line per request with id, route template, status, duration, bytes and role', async () => {
    const { request, service, log } = await observedApp();
    await request.post('/bucket').set('authorization', service).send({ name: 'logged' }).expect(200);
    await request
      .post('/object/logged/a/b/c.txt')
      .set('authorization', service)
      .set('content-type', 'text/plain')
      .set('x-request-id', 'client-id-1')
      .send('x'.repeat(5000))
      .expect(200)
      .expect('x-request-id', 'client-id-1');
    const entries = log.entries();
    expect(entries).toHaveLength(2);
    expect(entries[1]).toMatchObject({
      reqId: 'client-id-1',
      method: 'POST',
      route: '/object/:bucket/*key',
      status: 200,
      role: 'service_role',
      aborted: false,
    });
    expect(entries[1]?.bytesIn).toBeGreaterThan(5000);
    expect(entries[1]?.bytesOut).toBeGreaterThan(0);
    expect(entries[1]?.durationMs).toBeGreaterThan(0);
  });

  it('makes up a request id when the client gives none, or one that is not sane', async () => {
    const { request, log } = await observedApp();
    const first = await request.get('/status').expect(200);
    const second = await request.get('/status').set('x-request-id', 'no spaces\tor tabs').expect(200);
    expect(first.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(second.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(log.entries().map((entry) => entry.reqId)).toEqual([
      first.headers['x-request-id'],
      second.headers['x-request-id'],
    ]);
  });

  it('never writes a credential: headers are left out and the query is redacted', async () => {
    const { request, service, log } = await observedApp();
    await request
      .get(
        '/object/sign/nobucket/file.txt?token=SECRET-TOKEN&apikey=SECRET-KEY&X-Amz-Signature=SECRET-SIG&keep=1',
      )
      .set('authorization', service)
      .set('apikey', 'SECRET-APIKEY-HEADER')
      .set('x-signature', 'SECRET-SIGNATURE-HEADER');
    const [line] = log.lines;
    expect(line).toBeDefined();
    expect(line).not.toMatch(/SECRET|eyJ/);
    expect(JSON.parse(line as string).url).toBe(
      '/object/sign/nobucket/file.txt?token=[Redacted]&apikey=[Redacted]&X-Amz-Signature=[Redacted]&keep=1',
    );
  });

  it('logs the role of the verified caller, and anon for public routes', async () => {
    const { request, user, log } = await observedApp();
    await request.get('/bucket').set('authorization', user).expect(200);
    await request.get('/version').expect(200);
    expect(log.entries().map((entry) => entry.role)).toEqual(['authenticated', 'anon']);
  });
});

describe('/metrics', () => {
  it('counts requests by route template and status, never by raw path, with bytes and latency', async () => {
    const { request, service } = await observedApp();
    await request.post('/bucket').set('authorization', service).send({ name: 'metered' }).expect(200);
    for (const key of ['one.txt', 'two/three.txt']) {
      await request
        .post(`/object/metered/${key}`)
        .set('authorization', service)
        .set('content-type', 'text/plain')
        .send('y'.repeat(10_000))
        .expect(200);
      await request.get(`/object/metered/${key}`).set('authorization', service).expect(200);
    }
    await request.get('/no/such/route');
    const { text } = await request
      .get('/metrics')
      .expect(200)
      .expect('content-type', /text\/plain/);
    const upload = 'method="POST",route="/object/:bucket/*key",status="200"';
    expect(text).toContain(`stowage_http_requests_total{${upload}} 2`);
    expect(text).toContain(`stowage_http_request_duration_seconds_count{${upload}} 2`);
    expect(text).toMatch(/stowage_http_requests_total\{method="GET",route="unmatched",status="400"\} 1/);
    expect(text).not.toContain('one.txt');
    expect(text).not.toContain('three.txt');
    const received =
      /stowage_http_received_bytes_total\{method="POST",route="\/object\/:bucket\/\*key"\} (\d+)/.exec(text);
    const sent = /stowage_http_sent_bytes_total\{method="GET",route="\/object\/:bucket\/\*key"\} (\d+)/.exec(
      text,
    );
    expect(Number(received?.[1])).toBeGreaterThan(20_000);
    expect(Number(sent?.[1])).toBeGreaterThan(20_000);
    expect(text).toMatch(/stowage_http_requests_in_flight 1/);
  });

  it('answers only with the metrics token when one is set', async () => {
    const { request } = await observedApp({ token: 'a-metrics-token-long-enough' });
    const refused = await request.get('/metrics');
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ statusCode: '403', code: 'AccessDenied' });
    await request.get('/metrics').set('authorization', 'Bearer wrong').expect(400);
    await request.get('/metrics').set('authorization', 'Bearer a-metrics-token-long-enough').expect(200);
  });

  it('is not served without a registry', async () => {
    const { request } = await storageAppFixture('file');
    await request.get('/metrics').expect(400);
  });
});

describe('/health', () => {
  it('answers 503 with the failing check when a dependency is not ready', async () => {
    const { context } = await storageAppFixture('file');
    const app = createStorageApp({
      context,
      readiness: async () => ({
        ready: false,
        checks: { database: { ok: false, durationMs: 2000, error: 'no answer within 2000 ms' } },
      }),
    });
    const response = await supertest(app).get('/health').expect(503);
    expect(response.body.checks.database).toMatchObject({ ok: false });
  });
});
