import { once } from 'node:events';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { COLLECT_EVERY_MS, LINGER_MS, YoungGarbage } from '../src/young-garbage';

describe('YoungGarbage', () => {
  let server: Server;
  /** This test's count: an earlier test's collector may still be lingering. */
  let counted: { collections: number };
  let url: URL;

  beforeEach(async () => {
    const count = { collections: 0 };
    counted = count;
    const garbage = new YoungGarbage(() => {
      count.collections++;
    });
    server = createServer((req, res) => {
      req.resume();
      req.once('end', () => res.end('ok'));
    });
    server.on('request', garbage.watch);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  });

  afterEach(async () => {
    server.close();
    await once(server, 'close');
  });

  /** Sends `length` bytes, spread over `spreadMs`, and waits for the answer. */
  async function send(length: number, spreadMs: number, headers: Record<string, string> = {}) {
    const req = request(url, { method: 'PUT', headers });
    const answered = once(req, 'response');
    const pieces = 10;
    for (let i = 0; i < pieces; i++) {
      req.write(Buffer.alloc(Math.ceil(length / pieces)));
      await sleep(spreadMs / pieces);
    }
    req.end();
    const [res] = await answered;
    res.resume();
    await once(res, 'end');
  }

  it('collects while a large body streams in, and stops a while after', async () => {
    await send(2 * 1024 * 1024, 10 * COLLECT_EVERY_MS, { 'content-length': String(2 * 1024 * 1024) });
    expect(counted.collections).toBeGreaterThanOrEqual(5);
    await sleep(LINGER_MS + 3 * COLLECT_EVERY_MS);
    const settled = counted.collections;
    await sleep(5 * COLLECT_EVERY_MS);
    expect(counted.collections).toBe(settled);
  });

  it('counts a body of unannounced size as large', async () => {
    await send(64 * 1024, 10 * COLLECT_EVERY_MS);
    expect(counted.collections).toBeGreaterThanOrEqual(5);
  });

  it('starts nothing for small bodies', async () => {
    for (let i = 0; i < 5; i++) {
      await send(10 * 1024, 2 * COLLECT_EVERY_MS, { 'content-length': String(10 * 1024) });
    }
    expect(counted.collections).toBe(0);
  });
});
