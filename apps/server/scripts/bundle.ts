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
