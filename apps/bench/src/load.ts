import type { Readable } from 'node:stream';
import { Pool } from 'undici';

/** One request of a scenario and what its answer must be. */
export interface BenchRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly headers?: Record<string, string>;
  /** A fixed body, or a factory for streamed ones (each request needs a fresh stream). */
  readonly body?: string | Buffer | (() => Readable);
  /** Bytes the body carries, for MB/s. */
  readonly bytesOut?: number;
  readonly status: number;
  /** Exact body length expected; when absent the body must match its `content-length`. */
  readonly length?: number;
}

/** How long a run lasts: a duration, or a number of requests (scenarios that consume what was seeded). */
export type RunLength = { readonly durationMs: number } | { readonly count: number };

export interface LoadResult {
  /** Requests answered as expected. */
  readonly ok: number;
  /** Failed requests by kind (`status 500`, `length`, `ECONNRESET`, …); never dropped from the figures. */
  readonly errors: Record<string, number>;
  /** The first answer of each error kind, to say what went wrong. */
  readonly errorSamples: Record<string, string>;
  readonly latenciesMs: number[];
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly elapsedMs: number;
}

/**
 * Drives `connections` keep-alive connections with one request in flight on each until the run's length
 * is reached. Every answer is read to the end and checked: status, then length.
 */
export async function runLoad(
  pool: Pool,
  connections: number,
  length: RunLength,
  next: (sequence: number) => BenchRequest,
): Promise<LoadResult> {
  const errors: Record<string, number> = {};
  const errorSamples: Record<string, string> = {};
  const latenciesMs: number[] = [];
  let ok = 0;
  let bytesIn = 0;
  let bytesOut = 0;
  let sequence = 0;
  const started = performance.now();
  const deadline = 'durationMs' in length ? started + length.durationMs : Number.POSITIVE_INFINITY;
  const count = 'count' in length ? length.count : Number.POSITIVE_INFINITY;

  const fail = (kind: string, sample: string) => {
    errors[kind] = (errors[kind] ?? 0) + 1;
    errorSamples[kind] ??= sample.slice(0, 300);
  };

  const worker = async () => {
    while (sequence < count && performance.now() < deadline) {
      const request = next(sequence++);
      const sent = performance.now();
      try {
        const answer = await pool.request({
          method: request.method,
          path: request.path,
          headers: request.headers,
          body: typeof request.body === 'function' ? request.body() : request.body,
        });
        if (answer.statusCode !== request.status) {
          fail(
            `status ${answer.statusCode}`,
            `${request.method} ${request.path}: ${await answer.body.text()}`,
          );
          continue;
        }
        let received = 0;
        for await (const chunk of answer.body) received += (chunk as Buffer).length;
        const expected = request.length ?? Number(answer.headers['content-length'] ?? Number.NaN);
        latenciesMs.push(performance.now() - sent);
        bytesIn += received;
        if (received !== expected) {
          fail('length', `${request.method} ${request.path}: ${received} bytes, expected ${expected}`);
          continue;
        }
        bytesOut += request.bytesOut ?? 0;
        ok++;
      } catch (error) {
        const code = (error as { code?: string }).code ?? (error as Error).name;
        fail(code, `${request.method} ${request.path}: ${(error as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  return { ok, errors, errorSamples, latenciesMs, bytesIn, bytesOut, elapsedMs: performance.now() - started };
}

/** Keep-alive connections to one server, one request in flight on each. */
export const connectionPool = (origin: string, connections: number): Pool =>
  new Pool(origin, { connections, pipelining: 1, bodyTimeout: 120_000, headersTimeout: 120_000 });
