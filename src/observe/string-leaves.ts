import type { Json } from '../model/json.js';

/** Every string (and number) inside a JSON value with its path, for scanning observations. */
export function stringLeaves(value: Json): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  forEachStringLeaf(value, (text, pathOf) => out.push({ path: pathOf(), text }));
  return out;
}

/**
 * Visit every string (and number) inside a JSON value. The leaf's path (`responses[0].body.text`)
 * is built only when `pathOf` is called: scans that find nothing, the usual case, build none.
 */
export function forEachStringLeaf(value: Json, visit: (text: string, pathOf: () => string) => void): void {
  const segments: (string | number)[] = [];
  const pathOf = () => pathText(segments);
  const walk = (node: Json): void => {
    if (typeof node === 'string') visit(node, pathOf);
    else if (typeof node === 'number') visit(String(node), pathOf);
    else if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        segments.push(i);
        walk(node[i] as Json);
        segments.pop();
      }
    } else if (node !== null && typeof node === 'object') {
      for (const key of Object.keys(node)) {
        segments.push(key);
        walk(node[key] as Json);
        segments.pop();
      }
    }
  };
  walk(value);
}

function pathText(segments: readonly (string | number)[]): string {
  let path = '';
  for (const segment of segments) path = typeof segment === 'number' ? `${path}[${segment}]` : path ? `${path}.${segment}` : segment;
  return path || '(root)';
}

