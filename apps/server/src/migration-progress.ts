import type { BlobReport } from '@stowage/core';
import { Presets, SingleBar } from 'cli-progress';

const MIB = 1024 * 1024;

/**
 * The progress bar of a migration on stderr: redrawn in place on a terminal, a line every few seconds
 * otherwise (CI logs, pipes).
 */
export class MigrationProgress {
  private readonly bar = new SingleBar(
    {
      stream: process.stderr,
      format:
        '{bar} {percentage}% | {value}/{total} objects | {mib} MiB copied | {failed} failed | ETA {eta_formatted}',
      noTTYOutput: true,
      notTTYSchedule: 2000,
      etaBuffer: 200,
      hideCursor: true,
    },
    Presets.shades_classic,
  );
  private bytes = 0;
  private failed = 0;

  start(total: number): void {
    this.bar.start(total, 0, this.payload());
  }

  /** One object is done with. */
  advance(report: BlobReport): void {
    this.bytes += report.bytesCopied;
    if (report.outcome === 'failed') this.failed += 1;
    this.bar.increment(1, this.payload());
  }

  stop(): void {
    this.bar.stop();
  }

  private payload() {
    return { mib: (this.bytes / MIB).toFixed(1), failed: this.failed };
  }
}
