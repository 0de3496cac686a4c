/** One jest run covers every package; each package keeps its tests in test/. */
module.exports = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/{packages,apps}/*/test/**/*.test.ts'],
  transform: { '^.+\\.(t|j|cj)s$': '@swc/jest' },
  // jose 6 and kysely 0.29 are ESM-only, and PGlite's CommonJS build loads Node built-ins with import(),
  // which jest's sandbox refuses: let swc turn them into plain CommonJS for jest.
  transformIgnorePatterns: [
    '/node_modules/(?!(\\.pnpm/(jose|kysely|@electric-sql\\+pglite)@[^/]+/node_modules/)?(jose|kysely|@electric-sql/pglite)/)',
  ],
  testTimeout: 60_000,
  maxWorkers: 2,
};
