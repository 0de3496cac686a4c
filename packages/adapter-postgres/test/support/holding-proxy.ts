import { once } from 'node:events';
import { type AddressInfo, createServer, connect as dial, type Socket } from 'node:net';

/**
 * A TCP proxy in front of a Postgres server that can hold the server's answers: while they are held,
 * whatever the server runs was sent by the client without waiting for any answer, in one round trip.
 */
export interface HoldingProxy {
  /** `databaseUrl` with its host and port replaced by the proxy's. */
  readonly url: string;
  /** From now on, keep the server's answers from the client. */
  hold(): void;
  /** Hand the client what was held, and stop holding. */
  release(): void;
  close(): Promise<void>;
}

export async function startHoldingProxy(databaseUrl: string): Promise<HoldingProxy> {
  const target = new URL(databaseUrl);
  const sockets = new Set<Socket>();
  const held: Array<() => void> = [];
  let holding = false;
  const server = createServer((client) => {
    const upstream = dial(Number(target.port || 5432), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => socket.destroy());
      socket.on('close', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (chunk) => upstream.write(chunk));
    upstream.on('data', (chunk) => {
      if (holding) held.push(() => client.write(chunk));
      else client.write(chunk);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String((server.address() as AddressInfo).port);
  return {
    url: url.toString(),
    hold: () => {
      holding = true;
    },
    release: () => {
      holding = false;
      for (const write of held.splice(0)) write();
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}
