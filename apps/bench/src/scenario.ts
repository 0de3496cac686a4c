import type { BenchEnv } from './bench-env';
import type { BenchRequest, RunLength } from './load';

/** What one server does in a scenario. */
export interface ScenarioSide {
  readonly connections: number;
  readonly warmup: RunLength;
  readonly run: RunLength;
  readonly request: (sequence: number) => BenchRequest;
}

/**
 * A workload run against Stowage and, interleaved run by run, against its baseline counterpart (the plain
 * server's download or upload of the same size), so every figure is a ratio taken in the same conditions.
 */
export interface Scenario {
  readonly id: string;
  readonly title: string;
  /** Bytes moved per request; scenarios with any report MB/s. */
  readonly bytes: number;
  /** The least Stowage/baseline ratio the issue asks for. */
  readonly target?: number;
  /** Long transfers or set-ups, left out of quick runs unless named. */
  readonly heavy?: boolean;
  /**
   * This scenario repeats another (by id) with a million more objects in the bucket; its ratio to the
   * baseline must stay within 10% of that one's.
   */
  readonly repeats?: string;
  /** Needs rows written straight into a Postgres server: not run on PGlite. */
  readonly postgresOnly?: boolean;
  /** Seeds what the scenario needs and describes both sides. */
  setup(env: BenchEnv): Promise<{ stowage: ScenarioSide; baseline: ScenarioSide }>;
}
