import type { LiveSite } from './types.js';

/**
 * What a binding remembers between the steps of a run (CSRF tokens, bearer tokens, the cookie
 * jar of the last log-in), one memory per live site: runs on different sites never share it, and
 * it goes when the site does. Returns the lookup; the memory is made by `create` on first use.
 *
 * @example
 * const memoryOf = siteMemory(() => ({ csrf: new Map<string, string>() }));
 * // in perform(step, site, world):
 * memoryOf(site).csrf.set(step.actor, token);
 */
export function siteMemory<M>(create: () => M): (site: LiveSite) => M {
  const memories = new WeakMap<LiveSite, M>();
  return (site) => {
    let memory = memories.get(site);
    if (memory === undefined) {
      memory = create();
      memories.set(site, memory);
    }
    return memory;
  };
}
