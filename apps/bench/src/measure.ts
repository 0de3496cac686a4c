import type { ChildServer } from './child-server';
import { connectionPool, type LoadResult, runLoad } from './load';
import { cpuMs, RssSampler, rssMiB } from './process-stats';
import type { ScenarioSide } from './scenario';

/** One measured run of one side. */
export interface RunFigures {
  readonly requests: number;
  readonly errors: number;
  readonly reqPerSec: number;
  readonly mbPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly cpuMsPerRequest: number;
  /** Of the Postgres backends serving Stowage's database; NaN for the baseline and where not measured. */
  readonly dbCpuMsPerRequest: number;
}

/** A side's figures over the runs of a scenario: medians, every error, memory. */
export interface SideFigures {
  readonly median: Omit<RunFigures, 'requests' | 'errors'>;
  readonly runs: readonly RunFigures[];
  /** Errors of warm-up and runs by kind, with the first answer of each. */
  readonly errors: Record<string, number>;
  readonly errorSamples: Record<string, string>;
  readonly rssBeforeMiB: number;
  readonly rssPeakMiB: number;
}

const percentile = (sorted: readonly number[], p: number): number =>
  sorted.length === 0
    ? Number.NaN
    : (sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] as number);

export const median = (values: readonly number[]): number =>
  percentile(
    [...values].sort((a, b) => a - b),
    0.5,
  );

/** What the backends in `after` used since `before`; one that began meanwhile counts from nothing. */
function cpuSince(before: Map<number, number> | undefined, after: Map<number, number> | undefined): number {
  if (!before || !after) return Number.NaN;
  let used = 0;
  for (const [pid, ms] of after) used += ms - (before.get(pid) ?? 0);
  return used;
}

function figuresOf(load: LoadResult, cpu: number, dbCpu: number): RunFigures {
  const seconds = load.elapsedMs / 1000;
  const latencies = [...load.latenciesMs].sort((a, b) => a - b);
  const errors = Object.values(load.errors).reduce((sum, n) => sum + n, 0);
  return {
    requests: load.ok,
    errors,
    reqPerSec: load.ok / seconds,
    mbPerSec: (load.bytesIn + load.bytesOut) / 1e6 / seconds,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    cpuMsPerRequest: cpu / Math.max(1, load.ok + errors),
    dbCpuMsPerRequest: dbCpu / Math.max(1, load.ok + errors),
  };
}

class SideRunner {
  readonly runs: RunFigures[] = [];
  readonly errors: Record<string, number> = {};
  readonly errorSamples: Record<string, string> = {};
  readonly rssBeforeMiB: number;
  private readonly pool;

  constructor(
    readonly server: ChildServer,
    readonly side: ScenarioSide,
    private readonly backendCpu: () => Promise<Map<number, number> | undefined> = async () => undefined,
  ) {
    this.pool = connectionPool(server.origin, side.connections);
    this.rssBeforeMiB = rssMiB(server.pid);
  }

  async run(measured: boolean): Promise<void> {
    const dbCpuBefore = await this.backendCpu();
    const cpuBefore = cpuMs(this.server.pid);
    const load = await runLoad(
      this.pool,
      this.side.connections,
      measured ? this.side.run : this.side.warmup,
      this.side.request,
    );
    const cpu = cpuMs(this.server.pid) - cpuBefore;
    const dbCpu = cpuSince(dbCpuBefore, await this.backendCpu());
    for (const [kind, n] of Object.entries(load.errors)) this.errors[kind] = (this.errors[kind] ?? 0) + n;
    Object.assign(this.errorSamples, { ...load.errorSamples, ...this.errorSamples });
    if (measured) this.runs.push(figuresOf(load, cpu, dbCpu));
  }

  result(rssPeakMiB: number): SideFigures {
    const of = (pick: (run: RunFigures) => number) => median(this.runs.map(pick));
    return {
      median: {
        reqPerSec: of((run) => run.reqPerSec),
        mbPerSec: of((run) => run.mbPerSec),
        p50Ms: of((run) => run.p50Ms),
        p99Ms: of((run) => run.p99Ms),
        cpuMsPerRequest: of((run) => run.cpuMsPerRequest),
        dbCpuMsPerRequest: of((run) => run.dbCpuMsPerRequest),
      },
      runs: this.runs,
      errors: this.errors,
      errorSamples: this.errorSamples,
      rssBeforeMiB: this.rssBeforeMiB,
      rssPeakMiB,
    };
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/**
 * Warms both sides up, then alternates their measured runs (baseline, Stowage, baseline, …), so a change in
 * the machine's load touches both alike. The RSS of both servers is sampled throughout.
 */
export async function measureScenario(
  servers: { stowage: ChildServer; baseline: ChildServer },
  sides: { stowage: ScenarioSide; baseline: ScenarioSide },
  runs: number,
  backendCpu?: () => Promise<Map<number, number> | undefined>,
): Promise<{ stowage: SideFigures; baseline: SideFigures }> {
  const baseline = new SideRunner(servers.baseline, sides.baseline);
  const stowage = new SideRunner(servers.stowage, sides.stowage, backendCpu);
  const sampler = new RssSampler([servers.stowage.pid, servers.baseline.pid]);
  try {
    await baseline.run(false);
    await stowage.run(false);
    for (let i = 0; i < runs; i++) {
      await baseline.run(true);
      await stowage.run(true);
    }
  } finally {
    sampler.stop();
    await Promise.all([baseline.close(), stowage.close()]);
  }
  return {
    stowage: stowage.result(sampler.peak(servers.stowage.pid)),
    baseline: baseline.result(sampler.peak(servers.baseline.pid)),
  };
}
