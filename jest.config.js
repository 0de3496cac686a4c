/** One jest run covers every package; each package keeps its tests in test/. */
module.exports = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/{packages,apps}/*/test/**/*.test.ts'],
  transform: { '^.+\\.(t|j|cj|mj)s$': '@swc/jest' },
  // jose 6, kysely 0.29, @tus/server 2 (with @tus/utils and srvx) are ESM-only, and PGlite's CommonJS build loads Node built-ins with import(),
  // which jest's sandbox refuses: let swc turn them into plain CommonJS for jest.
  transformIgnorePatterns: [
    '/node_modules/(?!(\\.pnpm/(jose|kysely|@electric-sql\\+pglite|@tus\\+server|@tus\\+utils|srvx)@[^/]+/node_modules/)?(jose|kysely|@electric-sql/pglite|@tus/server|@tus/utils|srvx)/)',
  ],
  // Each test file starts its own PGlite (an initdb) and often an s3rver: on a loaded 2-core machine that
  // alone can take over a minute, so hooks and tests get three.
  testTimeout: 180_000,
  maxWorkers: 2,
};
