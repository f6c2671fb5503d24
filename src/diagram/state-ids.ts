/**
 * An identifier for each state name that Mermaid and DOT accept anywhere (`s_` then letters,
 * digits and `_`), distinct for distinct names: `enter-identity` → `s_enter_identity`,
 * `(start)` → `s_start` (or `s_start_2` when a state `start` took `s_start`). The label keeps the name as it is.
 */
export function stateIds(states: readonly string[]): Map<string, string> {
  const ids = new Map<string, string>();
  const used = new Set<string>();
  for (const state of states) {
    const base = `s_${state.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '')}`;
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base}_${n}`;
    used.add(id);
    ids.set(state, id);
  }
  return ids;
}
