import { expressionPaths, parseExpression } from '../../flow-spec/expression.js';
import type { RequestSpec } from '../../flow-spec/spec-schema.js';
import { templateRefs, templateStrings } from '../../flow-spec/template.js';
import type { LintRule, LintWarning } from '../lint-rule.js';

const id = 'extract-kept-by-setup';

/** The extracted values (`{{extract.x}}`, `extract.x` in `if`) a request reads. */
function extractsRead(request: RequestSpec): string[] {
  const texts = templateStrings([request.path, request.headers ?? {}, request.form ?? {}, request.json ?? null]);
  const fromTemplates = texts.flatMap((text) => templateRefs(text)).map((ref) => ref.path);
  const fromCondition = request.if !== undefined ? expressionPaths(parseExpression(request.if)) : [];
  return [...fromTemplates, ...fromCondition].filter(([root, name]) => root === 'extract' && name !== undefined).map(([, name]) => name ?? '');
}

/**
 * A value a step extracts with a request sent `as: setup` and then sends with the actor's own
 * request: extracted values are kept for whoever sent the request, so the actor's request finds
 * nothing (the nhs spec's SMS code did this: the patient typed an empty code and was refused).
 */
export const extractKeptBySetup: LintRule = {
  id,
  title: 'a value extracted as setup and sent by the actor',
  check({ spec, source }) {
    const byActor = new Set<string>();
    const everyRequest = [...Object.values(spec.actions).flatMap((a) => a.requests), ...Object.values(spec.actors).flatMap((a) => a.login)];
    for (const request of everyRequest) if (request.as !== 'setup') for (const name of Object.keys(request.extract ?? {})) byActor.add(name);
    const out: LintWarning[] = [];
    for (const [action, { requests }] of Object.entries(spec.actions)) {
      const read = new Set(requests.filter((r) => r.as !== 'setup').flatMap(extractsRead));
      requests.forEach((request, i) => {
        if (request.as !== 'setup') return;
        for (const name of Object.keys(request.extract ?? {})) {
          if (!read.has(name) || byActor.has(name)) continue;
          out.push({
            rule: id,
            where: source.where(['actions', action, 'requests', i, 'extract', name]),
            message: `"${name}" is extracted by a request sent \`as: setup\`, so it is kept for the setup actor, but "${action}" sends {{extract.${name}}} as its actor, who never has it: send this request as the actor (drop \`as: setup\`, add \`observe: false\` to keep its answer out of the observation)`,
          });
        }
      });
    }
    return out;
  },
};
