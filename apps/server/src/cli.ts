import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { EXIT } from './exit-codes';

const BACKENDS = ['file', 's3'];

function positiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1)
    throw new InvalidArgumentError('It must be a positive integer.');
  return number;
}

/** The `stowage` command line. Resolves with the exit code. */
export async function runCli(argv: readonly string[]): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = new Command('stowage')
    .description('Stowage command-line tools; configuration comes from the same environment as the server.')
    .exitOverride();
  program
    .command('migrate-blobs')
    .description(
      "Copy every object's blob from one storage backend to the other, verifying each at the destination. " +
        'Re-running skips what is already copied and verified.',
    )
    .addOption(new Option('--from <backend>', 'backend to copy from').choices(BACKENDS).makeOptionMandatory())
    .addOption(new Option('--to <backend>', 'backend to copy to').choices(BACKENDS).makeOptionMandatory())
    .addOption(
      new Option('--dry-run', 'write nothing: count what is missing or different at the destination'),
    )
    .addOption(
      new Option(
        '--verify-only',
        'write nothing: check that every object is at the destination, byte for byte',
      ).conflicts('dryRun'),
    )
    .option('--concurrency <n>', 'objects copied at once', positiveInteger, 4)
    .option('--fail-fast', 'stop at the first object that fails (default: report it and go on)')
    .option(
      '--file-bucket <name>',
      'folder of the file backend under FILE_STORAGE_BACKEND_PATH (default: STORAGE_S3_BUCKET, or stowage)',
    )
    .action(async (options) => {
      if (options.from === options.to) program.error('error: --from and --to must name different backends');
      // Loaded only now, so a usage error answers before the adapters (PGlite, minio) are loaded.
      const { migrateBlobsCommand } = await import('./migrate-blobs-command');
      exitCode = await migrateBlobsCommand({
        from: options.from,
        to: options.to,
        dryRun: options.dryRun === true,
        verifyOnly: options.verifyOnly === true,
        concurrency: options.concurrency,
        failFast: options.failFast === true,
        fileBucket: options.fileBucket,
      });
    });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  return exitCode;
}

if (require.main === module) {
  runCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`stowage: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(EXIT.failed);
    },
  );
}
