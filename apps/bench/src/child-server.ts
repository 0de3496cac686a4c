import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { openSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** A server under test, running in a process of its own. */
export interface ChildServer {
  readonly origin: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const address = probe.address();
  probe.close();
  await once(probe, 'close');
  if (address === null || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

export interface ChildServerOptions {
  /** The entry point: JavaScript under plain node, TypeScript under `node --import tsx` (one process either way). */
  readonly entry: string;
  readonly args?: readonly string[];
  /** Flags for node itself, such as `--cpu-prof`. */
  readonly nodeOptions?: readonly string[];
  /** Where `tsx` resolves from. */
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly port: number;
  /** stdout and stderr go to this file, so a full pipe never stalls the server. */
  readonly logFile: string;
}

const loaderFor = (entry: string): string[] => (entry.endsWith('.ts') ? ['--import', 'tsx'] : []);

/** Starts a server and resolves once it answers HTTP on its port. */
export async function startChildServer(options: ChildServerOptions): Promise<ChildServer> {
  const log = openSync(options.logFile, 'a');
  const child: ChildProcess = spawn(
    process.execPath,
    [...(options.nodeOptions ?? []), ...loaderFor(options.entry), options.entry, ...(options.args ?? [])],
    {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', log, log],
    },
  );
  const origin = `http://127.0.0.1:${options.port}`;
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`${options.entry} exited with ${code}; see ${options.logFile}`);
  });
  exited.catch(() => undefined);
  const ready = (async () => {
    for (const started = Date.now(); Date.now() - started < 120_000; await sleep(100)) {
      try {
        await (await fetch(`${origin}/status`)).arrayBuffer();
        return;
      } catch {
        // Not listening yet.
      }
    }
    throw new Error(`${options.entry} did not answer within 120 s; see ${options.logFile}`);
  })();
  try {
    await Promise.race([ready, exited]);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    origin,
    pid: child.pid as number,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await gone;
      clearTimeout(timer);
    },
  };
}
