import { ExpressionError, expressionPaths, parseExpression } from './expression.js';
import { parseSelector } from './extract-value.js';
import { cleanupOf, identityFields, setupLists, type FlowSpec, type MatchSpec, type RequestSpec } from './spec-schema.js';
import type { SpecSource } from './spec-source.js';
import type { PoolRow } from './spec-world.js';
import { filterArgs, filterArity, filters, isEach, templateRefs } from './template.js';

type Path = (string | number)[];
/** Root name → the fields it has (`null`: any). */
type Roots = Record<string, ReadonlySet<string> | null>;

/**
 * Names in a spec must exist: every template (`{{victim.nhsNumbr}}`), condition and reference
 * to an actor, action, flaw, extractor or input is checked here, and the first unknown name is
 * one `BF_MODEL_INVALID` error with the file, line and field path, and the names it could be.
 */
export function checkReferences(spec: FlowSpec, source: SpecSource, pool: PoolRow[] | undefined): void {
  const actorNames = new Set(Object.keys(spec.actors));
  const actionNames = new Set(Object.keys(spec.actions));
  const flawNames = new Set(Object.keys(spec.flaws));
  const patientFields = new Set<string>(['id', 'identity', ...identityFields, ...Object.keys(spec.identities.fields), ...Object.values(spec.secrets).map((s) => s.field)]);
  for (const row of pool ?? []) for (const key of Object.keys(row.fields)) patientFields.add(key);
  const setup = setupLists(spec);
  const cleanup = cleanupOf(spec);
  const setupRequests = [setup.seed, setup.before, setup.forEachPatient, setup.once].flatMap((list) => list.requests);
  // Values captured at set-up are the patient's own fields from then on.
  for (const request of setupRequests) for (const name of Object.keys(request.capture ?? {})) patientFields.add(name);
  const actorFields = new Set<string>(['name', 'roles', ...Object.values(spec.actors).flatMap((a) => Object.keys(a.with))]);
  const worldFields = new Set<string>(['patients', ...Object.keys(spec.constants)]);
  const extractNames = new Set<string>();
  const allRequests: RequestSpec[] = [
    ...Object.values(spec.actions).flatMap((a) => [...a.requests, ...(a.recordView?.audit ? [a.recordView.audit] : [])]),
    ...Object.values(spec.actors).flatMap((a) => a.login),
    ...setupRequests,
    ...cleanup.forEachPatient.requests,
    ...cleanup.once.requests,
  ];
  for (const request of allRequests) for (const name of Object.keys(request.extract ?? {})) extractNames.add(name);
  const sessionExtract = spec.session?.extract;
  if (sessionExtract !== undefined && !extractNames.has(sessionExtract)) {
    source.fail(['session', 'extract'], `session extract "${sessionExtract}" is set by no extractor (known: ${[...extractNames].join(', ') || 'none'}): add it to the log-in request, e.g. \`extract: { ${sessionExtract}: { json: /token } }\``);
  }

  /** Roots every template may use: the run side's id and the seed token. */
  const everywhere: Roots = { run: new Set(['id']), seedToken: null };
  const unknown = (path: Path, what: string, name: string, known: Iterable<string>): never =>
    source.fail(path, `${what} "${name}" does not exist (known: ${[...known].join(', ') || 'none'})`);

  const checkRef = (refPath: string[], roots: Roots, at: Path, shown: string) => {
    const [root, field] = refPath;
    if (root === undefined || !(root in roots)) return unknown(at, `"${shown}" names`, root ?? '', Object.keys(roots));
    const fields = roots[root];
    if (fields && field !== undefined && !fields.has(field)) {
      return source.fail(at, `"${shown}" names a field that does not exist: ${root}.${field} (fields of ${root}: ${[...fields].join(', ')})`);
    }
  };
  const checkTemplate = (text: string, roots: Roots, at: Path) => {
    for (const ref of templateRefs(text)) {
      if (ref.filter !== undefined) {
        if (!(ref.filter in filters)) unknown(at, `template filter in "{{${ref.text} | ${ref.filter}}}"`, ref.filter, Object.keys(filters));
        const [least, most] = filterArity[ref.filter] ?? [0, 0];
        const args = filterArgs(ref.args);
        if (args.length < least || args.length > most || args.some((n) => Number.isNaN(n))) {
          source.fail(at, `filter "${ref.filter}" in "{{${ref.text} | ${ref.filter}${ref.args !== undefined ? `(${ref.args})` : ''}}}" takes ${least === most ? least : `${least} to ${most}`} whole number${most === 1 ? '' : 's'} in brackets${most === 0 ? ' (none: no brackets)' : ''}`);
        }
      }
      checkRef(ref.path, roots, at, `{{${ref.text}}}`);
    }
  };
  const checkCondition = (text: string | undefined, roots: Roots, at: Path) => {
    if (text === undefined) return;
    let paths: string[][];
    try {
      paths = expressionPaths(parseExpression(text));
    } catch (error) {
      return source.fail(at, error instanceof ExpressionError ? error.message : String(error));
    }
    for (const path of paths) checkRef(path, roots, at, path.join('.'));
  };
  const checkValue = (value: unknown, roots: Roots, at: Path) => {
    if (typeof value === 'string') return checkTemplate(value, roots, at);
    if (isEach(value)) {
      checkRef(value.$each.split('.'), roots, [...at, '$each'], value.$each);
      const inner = value.$each === 'world.patients' ? patientFields : null;
      return checkValue(value.do, { ...roots, [value.as]: inner, index: null }, [...at, 'do']);
    }
    if (Array.isArray(value)) return value.forEach((v, i) => checkValue(v, roots, [...at, i]));
    if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) checkValue(v, roots, [...at, k]);
  };
  const checkMatches = (matches: readonly MatchSpec[] | undefined, roots: Roots, at: Path) => {
    matches?.forEach((match, i) => match.bodyContains !== undefined && checkTemplate(match.bodyContains, roots, [...at, i, 'bodyContains']));
  };
  const checkRequest = (request: RequestSpec, roots: Roots, at: Path, capture: 'allowed' | 'not here' = 'not here') => {
    const withExtract = { ...roots, ...everywhere, extract: extractNames };
    if (request.capture !== undefined && capture === 'not here') {
      source.fail([...at, 'capture'], '`capture` keeps values on the patient set up: it belongs to set-up requests (setup.seed, setup.flows); elsewhere use `extract`');
    }
    checkMatches(request.okIf, withExtract, [...at, 'okIf']);
    checkMatches(request.refusedIf, withExtract, [...at, 'refusedIf']);
    for (const [name, extractor] of Object.entries(request.capture ?? {})) {
      for (const part of ['regex', 'json'] as const) {
        const text = extractor[part];
        if (text !== undefined) checkTemplate(text, withExtract, [...at, 'capture', name, part]);
      }
    }
    checkCondition(request.if, withExtract, [...at, 'if']);
    checkTemplate(request.path, withExtract, [...at, 'path']);
    for (const part of ['headers', 'form', 'json'] as const) if (request[part] !== undefined) checkValue(request[part], withExtract, [...at, part]);
    for (const [name, extractor] of Object.entries(request.extract ?? {})) {
      if (extractor.regex !== undefined) {
        checkTemplate(extractor.regex, withExtract, [...at, 'extract', name, 'regex']);
        try {
          new RegExp(extractor.regex.replace(/\{\{[^}]*\}\}/g, 'x'));
        } catch (error) {
          source.fail([...at, 'extract', name, 'regex'], `not a valid regular expression: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      if (extractor.css !== undefined) {
        try {
          parseSelector(extractor.css);
        } catch (error) {
          source.fail([...at, 'extract', name, 'css'], error instanceof Error ? error.message : String(error));
        }
      }
    }
  };

  const stepRoots = (inputs: Iterable<string>): Roots => ({
    ...everywhere,
    actor: actorFields,
    self: patientFields,
    victim: patientFields,
    input: new Set(inputs),
    world: worldFields,
  });

  for (const [name, secret] of Object.entries(spec.secrets)) {
    secret.hiddenFrom.forEach((actor, i) => actorNames.has(actor) || unknown(['secrets', name, 'hiddenFrom', i], 'actor', actor, actorNames));
  }
  for (const [name, actor] of Object.entries(spec.actors)) {
    const roots: Roots = { ...everywhere, actor: new Set(['name', 'roles']), self: patientFields, victim: patientFields, input: new Set(), world: worldFields };
    for (const [key, text] of Object.entries(actor.with)) checkTemplate(text, { ...roots, extract: extractNames }, ['actors', name, 'with', key]);
    actor.login.forEach((r, i) => checkRequest(r, { ...roots, actor: actorFields }, ['actors', name, 'login', i]));
  }
  for (const [name, action] of Object.entries(spec.actions)) {
    const inputs = [...Object.keys(action.input), ...(action.target === 'patient' ? ['patient'] : [])];
    action.actors.forEach((actor, i) => actorNames.has(actor) || unknown(['actions', name, 'actors', i], 'actor', actor, actorNames));
    action.requests.forEach((r, i) => checkRequest(r, stepRoots(inputs), ['actions', name, 'requests', i]));
    checkMatches(action.okIf, { ...stepRoots(inputs), extract: extractNames }, ['actions', name, 'okIf']);
    checkMatches(action.refusedIf, { ...stepRoots(inputs), extract: extractNames }, ['actions', name, 'refusedIf']);
    if (action.recordView?.audit) checkRequest(action.recordView.audit, stepRoots(inputs), ['actions', name, 'recordView', 'audit']);
    (action.effects ?? []).forEach((effect, i) => {
      checkCondition(effect.if, stepRoots(inputs), ['actions', name, 'effects', i, 'if']);
      checkValue(effect.value, stepRoots(inputs), ['actions', name, 'effects', i, 'value']);
      if (!worldFields.has(effect.append)) unknown(['actions', name, 'effects', i, 'append'], 'world list', effect.append, worldFields);
    });
    (action.ends ?? []).forEach((end, i) => end.actor === 'self' || actorNames.has(end.actor) || unknown(['actions', name, 'ends', i, 'actor'], 'actor', end.actor, actorNames));
  }
  // `patient` in a capture of a whole-world request: it is read once per patient.
  for (const list of [setup.seed, setup.before, setup.once]) {
    list.requests.forEach((r, i) => {
      const { capture, ...rest } = r;
      checkRequest(rest, { world: worldFields }, [...list.path, i]);
      if (capture) checkRequest({ ...rest, capture }, { world: worldFields, patient: patientFields }, [...list.path, i], 'allowed');
    });
  }
  setup.forEachPatient.requests.forEach((r, i) => checkRequest(r, { world: worldFields, patient: patientFields }, [...setup.forEachPatient.path, i], 'allowed'));
  cleanup.forEachPatient.requests.forEach((r, i) => checkRequest(r, { world: worldFields, patient: patientFields }, [...cleanup.forEachPatient.path, i]));
  cleanup.once.requests.forEach((r, i) => checkRequest(r, { world: worldFields }, [...cleanup.once.path, i]));
  for (const [actor, journey] of Object.entries(spec.journeys ?? {})) {
    if (!actorNames.has(actor)) unknown(['journeys', actor], 'actor', actor, actorNames);
    journey.forEach((a, i) => {
      if (!actionNames.has(a)) unknown(['journeys', actor, i], 'action', a, actionNames);
      if (!spec.actions[a]?.actors.includes(actor)) source.fail(['journeys', actor, i], `action "${a}" is not one ${actor} may take (actors: ${spec.actions[a]?.actors.join(', ')})`);
    });
  }
  for (const [action, rule] of Object.entries(spec.policy.permits)) {
    if (!actionNames.has(action)) unknown(['policy', 'permits', action], 'action', action, actionNames);
    const inputs = [...Object.keys(spec.actions[action]?.input ?? {}), 'patient'];
    checkCondition(rule, stepRoots(inputs), ['policy', 'permits', action]);
  }
  const seeRoots: Roots = { ...stepRoots(['patient']), input: null, canary: new Set(['value', 'owner', 'field']), owner: patientFields, item: null };
  (spec.policy.maySee ?? []).forEach((rule, i) => checkCondition(rule, seeRoots, ['policy', 'maySee', i]));
  checkCondition(spec.policy.mustAudit, { world: worldFields, view: new Set(['actor', 'patient', 'breakGlass', 'reason']) }, ['policy', 'mustAudit']);
  for (const [variant, flaws] of Object.entries(spec.variants ?? {})) {
    flaws.forEach((f, i) => flawNames.has(f) || unknown(['variants', variant, i], 'flaw', f, flawNames));
  }
  spec.screens?.transitions.forEach((t, i) => {
    const at: Path = ['screens', 'transitions', i];
    if (!actionNames.has(t.action)) unknown([...at, 'action'], 'action', t.action, actionNames);
    if (t.flaw !== undefined && !flawNames.has(t.flaw)) unknown([...at, 'flaw'], 'flaw', t.flaw, flawNames);
    const inputs = [...Object.keys(spec.actions[t.action]?.input ?? {}), 'patient'];
    const roots: Roots = { ...stepRoots(inputs), session: null, screen: null };
    checkCondition(t.if, roots, [...at, 'if']);
    for (const [k, path] of Object.entries(t.shows ?? {})) checkCondition(path, roots, [...at, 'shows', k]);
  });
}
