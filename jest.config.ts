import type { Config } from 'jest';

const shared = {
  moduleFileExtensions: ['ts', 'js', 'json'],
  rootDir: '.',
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json' }] },
  moduleNameMapper: { '^@app/(common|auth|dal|embedded-db|status|storage|testing)(/.*)?$': '<rootDir>/libs/$1/src$2' },
} satisfies Config;

const config: Config = {
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/apps/**/*.spec.ts', '<rootDir>/libs/**/*.spec.ts'],
    },
    {
      ...shared,
      // Services driven directly on the real database (no HTTP): the rules, quick to read.
      displayName: 'medium',
      testMatch: ['<rootDir>/test/medium/**/*.medium-spec.ts'],
      globalSetup: '<rootDir>/libs/testing/src/jest/global-setup.ts',
      globalTeardown: '<rootDir>/libs/testing/src/jest/global-teardown.ts',
    },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/contract-setup.ts'],
      globalSetup: '<rootDir>/libs/testing/src/jest/e2e-global-setup.ts',
      globalTeardown: '<rootDir>/libs/testing/src/jest/e2e-global-teardown.ts',
    },
  ],
  maxWorkers: 2,
  // Per test: e2e tests start servers and browsers. (A project-level testTimeout is ignored.)
  testTimeout: 60_000,
};

export default config;
