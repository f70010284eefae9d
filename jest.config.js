/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // says once which components (interpreters, PostgreSQL, Chromium) are missing and what that skips
  globalSetup: '<rootDir>/test/helpers/global-setup.ts',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
  },
  // End-to-end tests spawn real CLIs; give them room without hiding hangs forever.
  testTimeout: 60000,
};
