import path from 'node:path';
import { parseArgs } from 'node:util';
import type { DatabaseKind } from './bench-database';
import type { Timing } from './bench-env';
import { SCENARIOS } from './scenarios';

export interface BenchOptions {
  readonly scenarios: readonly string[];
  readonly db: DatabaseKind;
  /** The Postgres server the fresh database is created on. */
  readonly serverUrl: string;
  readonly timing: Timing;
  readonly quick: boolean;
  /** Stowage's LOG_LEVEL: `info` (its default, one line per request) unless told otherwise. */
  readonly logLevel: string;
  /** Run Stowage under `node --cpu-prof`, writing to `<outDir>/profiles`. */
  readonly cpuProf: boolean;
  /** Where `<db>.json` and `<db>.md` are written. */
  readonly outDir: string;
}

export const USAGE = `pnpm bench [options]

  --scenarios a,b     run only these (ids: ${SCENARIOS.map((s) => s.id).join(', ')})
  --quick             short runs (0.5 s warm-up, 2 runs of 1 s), without the 100 MiB and 1 GiB streams
                      and the million-object repeats unless they are named
  --runs N            measured runs per scenario (default 5)
  --duration S        seconds per timed run (default 3)
  --warmup S          seconds of warm-up per side (default 2)
  --rest S            seconds of idleness after the run before the resting RSS is read (default 12)
  --db postgres|pglite  Stowage's database (default postgres: a fresh database on DATABASE_URL's server,
                      or on postgres://postgres@127.0.0.1:5432/postgres)
  --log-level L       Stowage's LOG_LEVEL (default info, as users run it)
  --cpu-prof          run Stowage with node --cpu-prof; the profile lands in <out>/profiles
  --out DIR           results directory (default apps/bench/results for a full run, apps/bench/.bench otherwise)`;

const BENCH_ROOT = path.resolve(__dirname, '..');

const OPTIONS = {
  scenarios: { type: 'string' },
  quick: { type: 'boolean', default: false },
  runs: { type: 'string' },
  duration: { type: 'string' },
  warmup: { type: 'string' },
  rest: { type: 'string' },
  db: { type: 'string', default: 'postgres' },
  'log-level': { type: 'string', default: 'info' },
  out: { type: 'string' },
  'cpu-prof': { type: 'boolean', default: false },
  help: { type: 'boolean', default: false },
} as const;

function parseArgsOrUsage(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options: OPTIONS });
  } catch (error) {
    throw new Error(`${(error as Error).message}\n\n${USAGE}`);
  }
}

/** Reads the command line; unknown options and scenario ids are refused with the usage. */
export function parseBenchOptions(argv: readonly string[], env: NodeJS.ProcessEnv): BenchOptions {
  const { values } = parseArgsOrUsage(argv);
  if (values.help) throw new Error(USAGE);
  const known = new Set(SCENARIOS.map((scenario) => scenario.id));
  const named = values.scenarios?.split(',').filter(Boolean);
  const unknown = named?.filter((id) => !known.has(id)) ?? [];
  if (unknown.length > 0) throw new Error(`unknown scenario ${unknown.join(', ')}\n\n${USAGE}`);
  if (values.db !== 'postgres' && values.db !== 'pglite') throw new Error(`--db postgres|pglite\n\n${USAGE}`);
  const number = (value: string | undefined, fallback: number) => {
    const parsed = value === undefined ? fallback : Number(value);
    if (!(parsed > 0)) throw new Error(`not a positive number: ${value}\n\n${USAGE}`);
    return parsed;
  };
  const quick = values.quick;
  const runs = Math.round(number(values.runs, quick ? 2 : 5));
  const full = !quick && !named;
  return {
    scenarios:
      named ?? SCENARIOS.filter((scenario) => !(quick && scenario.heavy)).map((scenario) => scenario.id),
    db: values.db,
    serverUrl: env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    timing: {
      warmupMs: number(values.warmup, quick ? 0.5 : 2) * 1000,
      durationMs: number(values.duration, quick ? 1 : 3) * 1000,
      runs,
      deletesPerRun: quick ? 200 : 500,
      restMs: number(values.rest, 12) * 1000,
    },
    quick,
    logLevel: values['log-level'],
    cpuProf: values['cpu-prof'],
    outDir: path.resolve(values.out ?? path.join(BENCH_ROOT, full ? 'results' : '.bench')),
  };
}
