import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { parseBenchOptions } from '../src/bench-options';
import { runBench } from '../src/run-bench';

async function autovacuumOf(serverUrl: string): Promise<string | undefined> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ autovacuum: string }>('show autovacuum');
    return rows[0]?.autovacuum;
  } finally {
    await client.end();
  }
}

describe('pnpm bench', () => {
  let outDir: string;

  beforeAll(async () => {
    outDir = await mkdtemp(path.join(tmpdir(), 'stowage-bench-smoke-'));
  });

  afterAll(() => rm(outDir, { recursive: true, force: true }));

  it('measures one short scenario on Stowage and the baseline, every answer checked', async () => {
    const db = process.env.DATABASE_URL ? 'postgres' : 'pglite';
    const args = [
      '--scenarios',
      'download-1k',
      '--runs',
      '1',
      '--warmup',
      '0.2',
      '--duration',
      '0.5',
      '--rest',
      '3',
    ];
    const options = parseBenchOptions([...args, '--db', db, '--out', outDir], process.env);
    const report = await runBench(options, () => undefined);

    expect(report.scenarios.map((s) => s.id)).toEqual(['download-1k']);
    const [download] = report.scenarios;
    for (const side of [download?.stowage, download?.baseline]) {
      expect(side?.errors).toEqual({});
      expect(side?.runs[0]?.requests).toBeGreaterThan(0);
      expect(side?.median.p99Ms).toBeGreaterThanOrEqual(side?.median.p50Ms ?? Number.NaN);
    }
    expect(download?.ratio).toBeGreaterThan(0);
    // Postgres's own CPU is measured on a server of this machine; PGlite's is in the server's column.
    const dbCpu = download?.stowage.median.dbCpuMsPerRequest;
    if (db === 'postgres') expect(dbCpu).toBeGreaterThan(0);
    else expect(dbCpu).toBeNaN();
    expect(download?.baseline.median.dbCpuMsPerRequest).toBeNaN();
    expect(report.tidied).toBe(db === 'postgres' && (await autovacuumOf(options.serverUrl)) === 'off');
    expect(report.resting.stowage.startMiB).toBeGreaterThan(0);
    expect(report.resting.stowage.restedMiB).toBeGreaterThan(0);
    const written = JSON.parse(await readFile(path.join(outDir, `${db}.json`), 'utf8'));
    expect(written.scenarios[0].id).toBe('download-1k');
    expect(await readFile(path.join(outDir, `${db}.md`), 'utf8')).toContain(
      '| download 1 KiB, private bucket, RLS |',
    );
  }, 180_000);

  it('refuses an unknown scenario with the usage', () => {
    expect(() => parseBenchOptions(['--scenarios', 'download-1k,teleport'], {})).toThrow(
      /unknown scenario teleport[\s\S]*--quick/,
    );
  });
});
