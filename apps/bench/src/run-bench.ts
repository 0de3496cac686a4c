import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { BenchEnv, PRIVATE_BUCKET, PUBLIC_BUCKET } from './bench-env';
import type { BenchOptions } from './bench-options';
import { measureScenario } from './measure';
import { rssMiB } from './process-stats';
import { type BenchReport, errorLines, markdownTable, type ScenarioReport } from './report';
import { SCENARIOS } from './scenarios';
import { startBaseline, startStowage } from './servers';

const SETTLE_MS = 2000;

/** How a scenario that repeats an earlier one with a million objects compares with it (within 10%). */
function repeatOf(
  repeats: string | undefined,
  ratio: number,
  earlier: readonly ScenarioReport[],
): Pick<ScenarioReport, 'repeats'> {
  const original = earlier.find((s) => s.id === repeats);
  if (!repeats || !original) return {};
  const share = ratio / original.ratio;
  return { repeats: { id: repeats, ratio: original.ratio, share, met: share >= 0.9 } };
}

/**
 * Starts Stowage and the baseline side by side in one scratch directory (one disk), runs the chosen
 * scenarios, and writes `<db>.json` and `<db>.md` to the results directory. `log` gets a line per scenario.
 */
export async function runBench(options: BenchOptions, log: (line: string) => void): Promise<BenchReport> {
  const startedAt = new Date().toISOString();
  const loadAtStart = loadavg()[0] as number;
  const workDir = await mkdtemp(path.join(tmpdir(), 'stowage-bench-'));
  const baselineRoot = path.join(workDir, 'baseline');
  await mkdir(baselineRoot);
  const stowage = await startStowage({
    db: options.db,
    serverUrl: options.serverUrl,
    workDir,
    logLevel: options.logLevel,
    ...(options.cpuProf && { cpuProfDir: path.join(options.outDir, 'profiles') }),
  });
  const baseline = await startBaseline(workDir, baselineRoot).catch(async (error: unknown) => {
    await stowage.stop();
    await stowage.database.drop();
    throw error;
  });
  try {
    const env = new BenchEnv(stowage, baselineRoot, options.timing);
    for (const [name, isPublic] of [
      [PRIVATE_BUCKET, false],
      [PUBLIC_BUCKET, true],
    ] as const) {
      await env.call('POST', '/bucket', { token: stowage.serviceKey, json: { name, public: isPublic } });
    }
    await sleep(SETTLE_MS);
    const restingAtStart = { stowage: rssMiB(stowage.pid), baseline: rssMiB(baseline.pid) };

    const scenarios: ScenarioReport[] = [];
    const chosen = SCENARIOS.filter(
      (s) => options.scenarios.includes(s.id) && !(s.postgresOnly && options.db !== 'postgres'),
    );
    for (const scenario of chosen) {
      const sides = await scenario.setup(env);
      await stowage.database.tidy?.();
      const figures = await measureScenario(
        { stowage, baseline },
        sides,
        options.timing.runs,
        stowage.database.backendCpu,
      );
      const ratio = figures.stowage.median.reqPerSec / figures.baseline.median.reqPerSec;
      const report: ScenarioReport = {
        id: scenario.id,
        title: scenario.title,
        bytes: scenario.bytes,
        ...(scenario.target !== undefined && { target: scenario.target, met: ratio >= scenario.target }),
        ...repeatOf(scenario.repeats, ratio, scenarios),
        ratio,
        ...figures,
      };
      scenarios.push(report);
      log(
        `${scenario.id}: ${ratio.toFixed(2)}× baseline (${figures.stowage.median.reqPerSec.toFixed(0)} vs ${figures.baseline.median.reqPerSec.toFixed(0)} req/s)`,
      );
    }

    await sleep(SETTLE_MS);
    const atOnce = { stowage: rssMiB(stowage.pid), baseline: rssMiB(baseline.pid) };
    await sleep(Math.max(0, options.timing.restMs - SETTLE_MS));
    const report: BenchReport = {
      startedAt,
      finishedAt: new Date().toISOString(),
      machine: {
        cpus: cpus().length,
        model: cpus()[0]?.model ?? 'unknown',
        node: process.version,
        loadAverage: { start: loadAtStart, end: loadavg()[0] as number },
      },
      db: options.db,
      tidied: stowage.database.tidy !== undefined,
      quick: options.quick,
      logLevel: options.logLevel,
      timing: { ...options.timing },
      resting: {
        stowage: { startMiB: restingAtStart.stowage, endMiB: atOnce.stowage, restedMiB: rssMiB(stowage.pid) },
        baseline: {
          startMiB: restingAtStart.baseline,
          endMiB: atOnce.baseline,
          restedMiB: rssMiB(baseline.pid),
        },
      },
      scenarios,
    };
    await mkdir(options.outDir, { recursive: true });
    await writeFile(path.join(options.outDir, `${options.db}.json`), `${JSON.stringify(report, null, 2)}\n`);
    await writeFile(path.join(options.outDir, `${options.db}.md`), markdownTable(report));
    for (const line of errorLines(report)) log(`error: ${line}`);
    return report;
  } finally {
    await Promise.all([stowage.stop(), baseline.stop()]);
    await stowage.database.drop();
    await rm(workDir, { recursive: true, force: true });
  }
}
