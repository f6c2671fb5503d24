import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    include: ['src/**/*.test.ts', 'models/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'tmp/**'],
    reporters: ['default', './.config/count-reporter.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
