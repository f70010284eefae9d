/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // in CI, fails the run before any test when a component (interpreter, PostgreSQL, Chromium) is missing
  globalSetup: '<rootDir>/test/helpers/global-setup.ts',
  // elsewhere, says in one line after the summary which tests that skipped and how to install what is missing
  globalTeardown: '<rootDir>/test/helpers/global-teardown.ts',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
  },
  // End-to-end tests spawn real CLIs; give them room without hiding hangs forever.
  testTimeout: 60000,
};
