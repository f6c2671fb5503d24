import type { Reporter, TestModule } from 'vitest/node';

/**
 * Ends the test run with one plain line, `tests: N passed, N failed, N skipped`, which CI log
 * readers understand (vitest's own summary is not read). A run that executed no test says so
 * and counts as failed.
 */
export default class CountReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const module of testModules) {
      if (module.state() === 'failed' && [...module.children.allTests()].length === 0) failed++;
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
    }
    failed += unhandledErrors.length;
    if (passed + failed === 0) {
      process.stdout.write('no test was executed\n');
      process.exitCode = 1;
    }
    process.stdout.write(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
