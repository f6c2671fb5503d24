import { readFileSync } from 'node:fs';
import { isMap, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { BookfuzzError } from '../errors.js';

/**
 * A spec file read with positions: the parsed value and a way to name where any field path is
 * (`file:line:column field.path`). JSON is read as YAML (it is a subset), so both get lines.
 */
export interface SpecSource {
  file: string;
  value: unknown;
  /** `<file>:<line>:<column> <field path>` for a path into the document (nearest existing node). */
  where(path: readonly (string | number)[]): string;
  fail(path: readonly (string | number)[], message: string): never;
}

export function fieldPath(path: readonly (string | number)[]): string {
  return path.reduce<string>((out, part) => (typeof part === 'number' ? `${out}[${part}]` : out === '' ? part : `${out}.${part}`), '');
}

export function readSpecSource(file: string, text?: string): SpecSource {
  let content: string;
  try {
    content = text ?? readFileSync(file, 'utf8');
  } catch (error) {
    throw new BookfuzzError('BF_MODEL_NOT_FOUND', `cannot read the spec: ${error instanceof Error ? error.message : String(error)}`, { where: file });
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(content, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const position = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return `${file}:${line}:${col}`;
  };
  const firstError = doc.errors[0];
  if (firstError) {
    const message = firstError.message.split('\n')[0] ?? firstError.message;
    throw new BookfuzzError('BF_MODEL_INVALID', `not valid YAML: ${message}`, { where: position(firstError.pos[0]) });
  }
  const where = (path: readonly (string | number)[]): string => {
    let node: unknown = doc.contents;
    let keyNode: Node | undefined;
    for (const part of path) {
      if (isMap(node)) {
        const pair = node.items.find((item) => {
          const key = item.key as { value?: unknown } | null;
          return key !== null && typeof key === 'object' && String(key.value) === String(part);
        });
        if (!pair) break;
        keyNode = pair.key as Node;
        node = pair.value;
      } else if (isSeq(node) && typeof part === 'number') {
        const item = node.items[part];
        if (!item) break;
        keyNode = undefined;
        node = item;
      } else break;
    }
    const at = keyNode?.range ?? (node as Node | null)?.range;
    const field = fieldPath(path);
    return `${at ? position(at[0]) : `${file}:1:1`}${field ? ` ${field}` : ''}`;
  };
  return {
    file,
    value: doc.toJS() as unknown,
    where,
    fail(path, message) {
      throw new BookfuzzError('BF_MODEL_INVALID', message, { where: where(path) });
    },
  };
}
