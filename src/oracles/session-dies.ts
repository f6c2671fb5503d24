import { findCanaries } from '../identity/canary.js';
import type { SessionEndReason } from '../model/model.js';
import { stringLeaves } from '../observe/string-leaves.js';
import type { Oracle, TraceSide, Violation } from './oracle.js';

/**
 * After logout, smartcard removal, idle timeout or a disabled login, every further request with
 * that session is refused and reveals nothing (no canary at all).
 */
export const sessionDies: Oracle = {
  id: 'session-dies',
  title: 'A session dies with logout, card removal, idle timeout or a disabled login',
  severity: 'high',
  scope: 'run',
  usesWorld: true,
  help:
    'A request made with a session that should have ended (the user logged out, pulled the smartcard, ' +
    'stayed idle past the limit, or had the login disabled) was served. End the session on the server ' +
    '(delete it from the session store, not only the cookie in the browser) and check its state on every request.',
  appliesTo: () => true,
  check(run) {
    const out: Violation[] = [];
    for (const side of ['a', 'b'] as const satisfies readonly TraceSide[]) {
      const ended = new Map<string, { reason: SessionEndReason; step: number }>();
      run[side].steps.forEach(({ step, before, result }, index) => {
        const end = result.session === undefined ? undefined : ended.get(result.session);
        if (end) {
          const flaws = result.flaws && result.flaws.length > 0 ? { flaws: [...result.flaws].sort() } : {};
          const base = { oracle: 'session-dies', key: end.reason, side, step: index, ...flaws };
          if (result.outcome !== 'refused') {
            out.push({
              ...base,
              field: 'outcome',
              message: `"${step.action}" by ${step.actor} was served with a session that ended at step ${end.step + 1} (${end.reason})`,
            });
          } else {
            const canaries = run.model.canaries(before);
            const leak = stringLeaves(result.observation)
              .map((leaf) => ({ leaf, hit: findCanaries(leaf.text, canaries)[0] }))
              .find((x) => x.hit !== undefined);
            if (leak?.hit) {
              out.push({
                ...base,
                field: leak.leaf.path,
                message:
                  `"${step.action}" was refused after the session ended (${end.reason}), yet the answer shows ` +
                  `${leak.hit.canary.field} of ${leak.hit.canary.owner}`,
              });
            }
          }
        }
        for (const e of result.endedSessions ?? []) {
          if (!ended.has(e.session)) ended.set(e.session, { reason: e.reason, step: index });
        }
      });
    }
    return out;
  },
};
