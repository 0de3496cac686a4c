/**
 * Compiles the server and the command line into plain JavaScript (`dist/main.js`, `dist/cli.js`) for
 * `pnpm start`: our TypeScript is bundled, every package from node_modules stays a `require` of its own
 * files, by absolute path. Running under a TypeScript loader instead costs ~80 MiB of resident memory
 * (the loader's hook thread and its transformed sources), half of the server's budget.
 */
import { cp } from 'node:fs/promises';
import path from 'node:path';
import { build, type Plugin } from 'esbuild';

const ROOT = path.resolve(__dirname, '..');

/**
 * The flags `pnpm start` runs the compiled server with (its script in package.json says the same; a test
 * holds them together). A young generation of 4 MiB semi-spaces, not 16: V8 collects the chunks a stream
 * has finished with once the young generation's buffers reach about twice its size, so a 1 GiB upload
 * peaks ~25 MiB lower (REST 139 -> 129 MiB, resumable 156 -> 132, through S3 146 -> 137), at no
 * throughput cost pnpm bench could tell from its noise; 2 MiB would lower it further but costs small
 * requests 5-15% more CPU. `--expose-gc` lets the server collect the young generation itself while
 * large bodies stream in (see `YoungGarbage`). An old generation allowed 64 MiB before V8 starts marking
 * it: V8 sets that limit a little above the live heap after each full collection, and counts the Buffers a
 * stream reads into against it, so once a burst of small requests had left a small live heap, a 1 GiB
 * download set off a full collection every 30 ms (143 in 10 s, a third of the main thread), at 0.5-0.8 of
 * the baseline's MB/s instead of 1.4.
 */
export const SERVER_NODE_FLAGS = [
  '--max-semi-space-size=4',
  '--initial-old-space-size=64',
  '--expose-gc',
] as const;

/** Packages are left to node as they are published: their CommonJS build where they have one. */
const nodeModulesExternal: Plugin = {
  name: 'node-modules-external',
  setup(bundler) {
    bundler.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.pluginData === 'resolving' || args.path.startsWith('@stowage/')) return undefined;
      const resolved = await bundler.resolve(args.path, {
        kind: 'require-call',
        resolveDir: args.resolveDir,
        pluginData: 'resolving',
      });
      if (resolved.errors.length > 0) return { errors: resolved.errors };
      return { path: resolved.path, external: true };
    });
  },
};

export async function bundleServer(): Promise<void> {
  const outdir = path.join(ROOT, 'dist');
  await build({
    entryPoints: [path.join(ROOT, 'src/main.ts'), path.join(ROOT, 'src/cli.ts')],
    outdir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: true,
    plugins: [nodeModulesExternal],
    logLevel: 'warning',
  });
  // The Postgres adapter reads its SQL migrations from beside its code, which is now the bundle.
  const postgresAdapter = path.dirname(require.resolve('@stowage/adapter-postgres'));
  await cp(path.join(postgresAdapter, 'migrations'), path.join(outdir, 'migrations'), { recursive: true });
}

if (require.main === module) {
  bundleServer().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
