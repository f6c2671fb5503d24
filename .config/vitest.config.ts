import { defineConfig } from 'vitest/config';

const root = new URL('..', import.meta.url).pathname;

export default defineConfig({
  // Models import the public API by the package's name, as a user's model does; in this checkout
  // that name means the sources (as tsconfig.json's paths say for tsc and tsx).
  resolve: {
    alias: [
      { find: /^bookfuzz$/, replacement: `${root}src/index.ts` },
      { find: /^bookfuzz\/vitest$/, replacement: `${root}src/vitest.ts` },
    ],
  },
  test: {
    root,
    include: ['src/**/*.test.ts', 'models/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'tmp/**'],
    reporters: ['default', './.config/count-reporter.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
