/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // transpile only: `npm test` type-checks everything with tsc before jest runs
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true, diagnostics: false }] },
  moduleNameMapper: { '^libk8s$': '<rootDir>/lib/index.ts' },
  testTimeout: 60000,
  // the suites spend most of their time in child processes (the CLI, kubectl, npm pack): two workers on two cores
  maxWorkers: 2,
};
