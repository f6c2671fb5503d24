import { BookfuzzError } from '../errors.js';

/** Every flaw the staging site can switch on, per model (names are unique across models). */
export const stagingFlaws: Record<string, string[]> = {
  'nhs-covid-booking': ['status-dependent-screen', 'second-dose-unverified', 'history-lookup-timing'],
  'household-booking': ['idor-view', 'client-role', 'idor-modify', 'dose-lookup-timing'],
  'referral-smartcard': ['card-removal-ignored', 'logout-ignored'],
  'record-access': ['retrospective-entries', 'redaction-ignored', 'disabled-login-works', 'proxy-overreach'],
  'sealed-envelope': ['warning-only', 'unaudited-access'],
};

/** The flaws of a variant: `vulnerable` is every flaw of every model, `fixed` none. */
export function stagingVariants(variant: 'vulnerable' | 'fixed'): string[] {
  return variant === 'vulnerable' ? Object.values(stagingFlaws).flat() : [];
}

/** The flaw set to start with; an unknown flaw name is a usage error. */
export function resolveStagingFlaws(flaws: readonly string[]): ReadonlySet<string> {
  const known = new Set(stagingVariants('vulnerable'));
  for (const flaw of flaws) {
    if (!known.has(flaw)) {
      throw new BookfuzzError('BF_FLAW_UNKNOWN', `the staging site has no flaw "${flaw}" (known: ${[...known].join(', ')})`, {
        where: 'startStagingSite',
      });
    }
  }
  return new Set(flaws);
}
