/** One jest run covers every package; each package keeps its tests in test/. */
module.exports = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/{packages,apps}/*/test/**/*.test.ts'],
  transform: { '^.+\\.(t|j)s$': '@swc/jest' },
  // jose 6 is ESM-only; let swc turn it into CommonJS for jest.
  transformIgnorePatterns: ['/node_modules/(?!(\\.pnpm/jose@[^/]+/node_modules/)?jose/)'],
  testTimeout: 60_000,
  maxWorkers: 2,
};
