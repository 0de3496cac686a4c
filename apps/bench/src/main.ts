import path from 'node:path';
import { parseBenchOptions } from './bench-options';
import { markdownTable } from './report';
import { runBench } from './run-bench';

async function main(): Promise<void> {
  const options = parseBenchOptions(process.argv.slice(2), process.env);
  const report = await runBench(options, (line) => process.stderr.write(`${line}\n`));
  process.stdout.write(`\n${markdownTable(report)}\n`);
  process.stdout.write(`Results: ${path.join(options.outDir, `${options.db}.json`)} and ${options.db}.md\n`);
  const errors = report.scenarios.some(
    (s) => Object.keys(s.stowage.errors).length + Object.keys(s.baseline.errors).length,
  );
  if (errors) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
