import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback HTTP proxy in front of an S3 server that counts the requests going through it, by method and
 * by what they address (the bucket or an object, with the sub-resource in the query): how many S3 calls
 * a command makes per object. Headers are passed on as they are, so signatures stay valid.
 */
export interface RequestCounter {
  readonly endpoint: string;
  /** Counts since the last call, e.g. `{ 'HEAD object': 1000, 'PUT object': 1000 }`, and resets them. */
  take(): Record<string, number>;
  close(): Promise<void>;
}

export async function startRequestCounter(target: string): Promise<RequestCounter> {
  const upstream = new URL(target);
  let counts: Record<string, number> = {};
  const server = createServer((incoming, outgoing) => {
    const label = describe(incoming.method ?? '?', incoming.url ?? '/');
    counts[label] = (counts[label] ?? 0) + 1;
    const forwarded = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forwarded.once('error', () => outgoing.destroy());
    incoming.pipe(forwarded);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    take: () => {
      const taken = counts;
      counts = {};
      return taken;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** `GET bucket ?list-type`, `HEAD object`, `PUT object ?partNumber&uploadId`, … (path style: /bucket/key). */
function describe(method: string, url: string): string {
  const [path = '/', query] = url.split('?');
  const target = path.split('/').filter(Boolean).length > 1 ? 'object' : 'bucket';
  const names = query
    ? query
        .split('&')
        .map((pair) => pair.split('=')[0])
        .filter((name) => name && !name.startsWith('X-Amz'))
        .sort()
    : [];
  return [method, target, ...(names.length > 0 ? [`?${names.join('&')}`] : [])].join(' ');
}
