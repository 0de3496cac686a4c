import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import type { S3BlobStoreOptions } from '../config';
import { uploadsDirectory } from './s3rver-multipart-calls';

/** A real s3rver in its own process, so a test can stop, freeze or crash it without taking jest along. */
export interface S3rverProcess {
  readonly endpoint: string;
  readonly bucket: string;
  /** Options for a blob store on this server; `overrides` misconfigure it. */
  options(overrides?: Partial<S3BlobStoreOptions>): S3BlobStoreOptions;
  /** Ids of the multipart uploads s3rver still holds parts for. */
  unfinishedUploads(): Promise<string[]>;
  /** Whether the process is still alive. */
  running(): boolean;
  /** Freezes the process (SIGSTOP): connections are accepted by the kernel and never answered. */
  freeze(): void;
  thaw(): void;
  /** Kills the server and removes its files. */
  stop(): Promise<void>;
}

const BUCKET = 'stowage-test';

export async function startS3rver(): Promise<S3rverProcess> {
  const directory = await mkdtemp(join(tmpdir(), 'stowage-s3rver-'));
  const tsx = pathToFileURL(require.resolve('tsx')).href;
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', tsx, join(__dirname, 's3rver-main.ts'), directory, BUCKET],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await portOf(child);
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    bucket: BUCKET,
    options: (overrides = {}) => ({
      bucket: BUCKET,
      endpoint,
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
      // s3rver keeps an object in files named after the key's last segment plus up to 22 bytes.
      maxKeySegmentBytes: 233,
      ...overrides,
    }),
    unfinishedUploads: () => readdir(uploadsDirectory(directory, BUCKET)).catch(() => []),
    running: () => child.exitCode === null && child.signalCode === null,
    freeze: () => child.kill('SIGSTOP'),
    thaw: () => child.kill('SIGCONT'),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGCONT');
        child.kill('SIGKILL');
        await once(child, 'exit');
      }
      await rm(directory, { recursive: true, force: true });
    },
  };
}

async function portOf(child: ChildProcess): Promise<number> {
  if (!child.stdout) throw new Error('s3rver has no stdout');
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`s3rver exited with ${code} before listening`);
  });
  const line = once(createInterface({ input: child.stdout }), 'line').then(([text]) => String(text));
  const { port } = JSON.parse(await Promise.race([line, exited])) as { port: number };
  return port;
}
