import { describe, expect, it } from 'vitest';
import { check } from './index.js';
import { expectNoFindings, FindingsError } from './vitest.js';

describe('bookfuzz/vitest', () => {
  it('fails on a vulnerable model with the minimal steps in the message', async () => {
    const failure = await expectNoFindings(check('nhs-covid-booking', { variant: 'vulnerable', seed: 1, oracles: ['indistinguishable'] })).then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(FindingsError);
    const message = (failure as Error).message;
    expect(message).toMatch(/minimal steps:/);
    expect(message).toMatch(/1\. visitor open-service/);
    expect(message).toMatch(/2\. visitor submit-identity/);
    expect(message).toMatch(/screen: (booking-reference|screening-questions)/);
  });

  it('passes on the fixed variant', async () => {
    const document = await expectNoFindings(check('nhs-covid-booking', { variant: 'fixed', seed: 1, runs: 300 }));
    expect(document.status).toBe('passed');
  });
});
