import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * tsx's loader, given to node itself: the server is then the child, and a test's SIGKILL ends it. Through
 * tsx's command line it would be a grandchild, left running when the command line is killed.
 */
const TSX_LOADER = pathToFileURL(require.resolve('tsx')).href;

export interface Started {
  child: ChildProcess;
  url: string;
  anonKey: string;
  serviceKey: string;
}

/** Starts the real server as `pnpm start` would, on a free port and a fresh data directory. */
export function start(env: NodeJS.ProcessEnv): Promise<Started> {
  const child = spawn(process.execPath, ['--import', TSX_LOADER, path.join(__dirname, '../src/main.ts')], {
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
