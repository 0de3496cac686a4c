import { spawn } from 'node:child_process';
import path from 'node:path';
import { bundleServer, SERVER_NODE_FLAGS } from '../scripts/bundle';

/** The server as `pnpm start` runs it, in a process of its own: /proc/<pid> is its own memory. */
export interface CompiledServer {
  readonly pid: number;
  readonly url: string;
  readonly serviceKey: string;
  /** SIGTERM, then waits for the process to exit. */
  stop(): Promise<void>;
}

/**
 * Compiles the server and starts `dist/main.js` with `pnpm start`'s node flags, on a free loopback port and
 * this process's environment plus `env`; resolves once it prints its URL and service_role key.
 */
export async function startCompiledServer(env: NodeJS.ProcessEnv): Promise<CompiledServer> {
  await bundleServer();
  const server = spawn(process.execPath, [...SERVER_NODE_FLAGS, path.join(__dirname, '../dist/main.js')], {
    env: { ...process.env, SERVER_PORT: '0', SERVER_HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => server.once('exit', resolve));
  let output = '';
  const { url, serviceKey } = await new Promise<{ url: string; serviceKey: string }>((resolve, reject) => {
    server.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
      const serviceKey = /service_role key:\s+(\S+)/.exec(output)?.[1];
      if (url && serviceKey) resolve({ url, serviceKey });
    });
    server.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return {
    pid: server.pid as number,
    url,
    serviceKey,
    async stop() {
      server.kill('SIGTERM');
      await exited;
    },
  };
}
