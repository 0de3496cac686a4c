import type { SideFigures } from './measure';

const MIB = 1024 * 1024;

export interface ScenarioReport {
  readonly id: string;
  readonly title: string;
  readonly bytes: number;
  readonly target?: number;
  /** Stowage's median over the baseline's, on req/s (same as MB/s for transfers). */
  readonly ratio: number;
  readonly met?: boolean;
  /** For a repeat with a million objects: the original's ratio, this one's share of it, and whether ≥ 90%. */
  readonly repeats?: { id: string; ratio: number; share: number; met: boolean };
  readonly stowage: SideFigures;
  readonly baseline: SideFigures;
}

export interface BenchReport {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly machine: {
    cpus: number;
    model: string;
    node: string;
    loadAverage: { start: number; end: number };
  };
  readonly db: string;
  /** Whether the bench vacuumed and analyzed the objects before each scenario, as autovacuum was off. */
  readonly tidied: boolean;
  readonly quick: boolean;
  readonly logLevel: string;
  readonly timing: Record<string, number>;
  /**
   * Resident memory of each server at rest: after start-up, 2 s after the whole run, and once idle for
   * `timing.restMs` after it.
   */
  readonly resting: {
    stowage: RestingRss;
    baseline: RestingRss;
  };
  readonly scenarios: readonly ScenarioReport[];
}

interface RestingRss {
  readonly startMiB: number;
  readonly endMiB: number;
  readonly restedMiB: number;
}

const fixed = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : '–');
const times = (ours: number, theirs: number) => `${fixed(ours / theirs, 2)}×`;
const figure = (bytes: number, side: SideFigures) =>
  bytes >= MIB ? `${fixed(side.median.mbPerSec, 0)} MB/s` : `${fixed(side.median.reqPerSec, 0)} req/s`;
const errorCount = (side: SideFigures) => Object.values(side.errors).reduce((sum, n) => sum + n, 0);

/** One row per scenario: Stowage's median, the baseline's, the ratio and the target; latency and CPU as ratios. */
export function markdownTable(report: BenchReport): string {
  const rows = report.scenarios.map((s) => {
    const { stowage: ours, baseline: theirs } = s;
    // Issue 11 sets its targets on Postgres; on PGlite the table is reported without them.
    const target = s.repeats
      ? `≥ 0.9 × ${fixed(s.repeats.ratio, 2)} (${s.repeats.id}): ${fixed(s.repeats.share, 2)} ${s.repeats.met ? '✓' : '✗'}`
      : s.target === undefined || report.db !== 'postgres'
        ? ''
        : `≥ ${s.target} ${s.met ? '✓' : '✗'}`;
    return [
      s.title,
      figure(s.bytes, ours),
      figure(s.bytes, theirs),
      `**${fixed(s.ratio, 2)}**`,
      target,
      `${fixed(ours.median.p50Ms, 2)} (${times(ours.median.p50Ms, theirs.median.p50Ms)})`,
      `${fixed(ours.median.p99Ms, 2)} (${times(ours.median.p99Ms, theirs.median.p99Ms)})`,
      `${fixed(ours.median.cpuMsPerRequest, 3)} (${times(ours.median.cpuMsPerRequest, theirs.median.cpuMsPerRequest)})`,
      fixed(ours.median.dbCpuMsPerRequest, 3),
      `${fixed(ours.rssPeakMiB, 0)} (+${fixed(ours.rssPeakMiB - ours.rssBeforeMiB, 0)})`,
      `${errorCount(ours)} / ${errorCount(theirs)}`,
    ];
  });
  const { stowage, baseline } = report.resting;
  return [
    `Stowage on ${report.db} with the file backend vs a plain \`node:http\` file server, ${report.machine.cpus} cores ` +
      `(${report.machine.model}), Node ${report.machine.node}, load average ${fixed(report.machine.loadAverage.start, 2)} ` +
      `at start and ${fixed(report.machine.loadAverage.end, 2)} at the end; medians of ${report.timing.runs} runs` +
      `${report.quick ? ' (quick mode)' : ''}, 32 connections unless the scenario says otherwise; ` +
      `Stowage logging at \`${report.logLevel}\`.` +
      `${report.tidied ? ' Autovacuum is off on this Postgres server, so the bench runs `vacuum analyze storage.objects` before each scenario.' : ''}` +
      ` ${report.startedAt}.`,
    '',
    '| scenario | Stowage | baseline | ratio | target | p50 ms (× baseline) | p99 ms (× baseline) | server CPU ms/request (× baseline) | Postgres CPU ms/request | Stowage RSS peak MiB (+ over its start) | errors Stowage / baseline |',
    '|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|',
    ...rows.map((cells) => `| ${cells.join(' | ')} |`),
    '',
    `Resting RSS: Stowage ${fixed(stowage.startMiB, 0)} MiB after start-up, ${fixed(stowage.endMiB, 0)} MiB 2 s ` +
      `after the run, ${fixed(stowage.restedMiB, 0)} MiB after ${fixed((report.timing.restMs ?? Number.NaN) / 1000, 0)} s idle; ` +
      `baseline ${fixed(baseline.startMiB, 0)}, ${fixed(baseline.endMiB, 0)} and ${fixed(baseline.restedMiB, 0)} MiB.`,
    '',
  ].join('\n');
}

/** Every error, by scenario, kind and count, with the first answer of each kind. */
export function errorLines(report: BenchReport): string[] {
  return report.scenarios.flatMap((s) =>
    (['stowage', 'baseline'] as const).flatMap((name) =>
      Object.entries(s[name].errors).map(
        ([kind, n]) => `${s.id} ${name}: ${n} × ${kind} — ${s[name].errorSamples[kind] ?? ''}`,
      ),
    ),
  );
}
