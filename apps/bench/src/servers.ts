import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { SignJWT } from 'jose';
// The flags `pnpm start` gives node, so the bench runs the server as users do.
import { SERVER_NODE_FLAGS } from '../../server/scripts/bundle';
import { type BenchDatabase, type DatabaseKind, prepareBenchDatabase } from './bench-database';
import { type ChildServer, freePort, startChildServer } from './child-server';

const SECRET = 'stowage-bench-secret-0123456789-0123456789';
const SERVER_ROOT = path.resolve(__dirname, '../../server');

/** Stowage as users start it, and the keys the bench calls it with. */
export interface StowageUnderTest extends ChildServer {
  readonly serviceKey: string;
  /** An `authenticated` user's token: its requests are decided by the owner-only policies. */
  readonly userToken: string;
  /** That user's id (`sub`), the owner the policies check. */
  readonly userId: string;
  readonly database: BenchDatabase;
}

const sign = (claims: Record<string, unknown>): Promise<string> =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt()
    .setExpirationTime('1d')
    .sign(new TextEncoder().encode(SECRET));

export interface StowageOptions {
  readonly db: DatabaseKind;
  /** The Postgres server a fresh database is created on. */
  readonly serverUrl: string;
  readonly workDir: string;
  readonly logLevel: string;
  /** A directory for `node --cpu-prof`'s profile of the server. */
  readonly cpuProfDir?: string;
}

/** Compiles the server as `pnpm start` does (`apps/server/scripts/bundle.ts` writes `dist/main.js`). */
async function bundleStowage(): Promise<string> {
  await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/bundle.ts'], { cwd: SERVER_ROOT });
  return path.join(SERVER_ROOT, 'dist/main.js');
}

/**
 * Stowage as `pnpm start` runs it (compiled, then `node dist/main.js`), on a fresh database and the file
 * backend in `workDir`, with an upload limit that admits the 1 GiB scenarios.
 */
export async function startStowage(options: StowageOptions): Promise<StowageUnderTest> {
  const dataDir = path.join(options.workDir, 'stowage');
  await mkdir(dataDir, { recursive: true });
  const database = await prepareBenchDatabase(options.db, options.serverUrl, path.join(dataDir, 'pg'));
  const port = await freePort();
  try {
    const server = await startChildServer({
      entry: await bundleStowage(),
      nodeOptions: [
        ...SERVER_NODE_FLAGS,
        ...(options.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', options.cpuProfDir] : []),
      ],
      cwd: SERVER_ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NODE_ENV: 'production',
        SERVER_HOST: '127.0.0.1',
        SERVER_PORT: String(port),
        STOWAGE_DATA_DIR: dataDir,
        ...(database.databaseUrl && { DATABASE_URL: database.databaseUrl }),
        AUTH_JWT_SECRET: SECRET,
        UPLOAD_FILE_SIZE_LIMIT: String(2 * 1024 ** 3),
        LOG_LEVEL: options.logLevel,
      },
      port,
      logFile: path.join(options.workDir, 'stowage.log'),
    });
    const userId = randomUUID();
    return {
      ...server,
      database,
      serviceKey: await sign({ role: 'service_role' }),
      userToken: await sign({ role: 'authenticated', sub: userId }),
      userId,
    };
  } catch (error) {
    await database.drop();
    throw error;
  }
}

/** The plain `node:http` file server, serving `root`. */
export async function startBaseline(workDir: string, root: string): Promise<ChildServer> {
  const port = await freePort();
  return startChildServer({
    entry: path.join(__dirname, 'baseline-server.ts'),
    args: [root],
    cwd: path.resolve(__dirname, '..'),
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production', PORT: String(port) },
    port,
    logFile: path.join(workDir, 'baseline.log'),
  });
}
