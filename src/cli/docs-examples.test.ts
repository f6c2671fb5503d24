import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The documentation keeps its promises: every shell example marked runnable in README.md and
 * docs/*.md runs and exits as the page says, and every relative link points at a file (and, for
 * a link into a Markdown page with `#anchor`, at a heading of that page).
 *
 * A runnable example is a ```sh block right after the comment `<!-- runnable -->`, or
 * `<!-- runnable exit=1 -->` when it must exit with another code than 0. The block runs as one
 * bash script (`set -eo pipefail`) with the checkout as working folder, `bookfuzz` standing for
 * `npm run --silent bookfuzz --` (run here as the script that runs, bin/bookfuzz.js, without npm's
 * own start-up), and TMPDIR a fresh temporary folder, so `out=$(mktemp -d)` keeps what it writes
 * out of the checkout. Mark only examples that run offline (loopback),
 * quickly (a small `--runs`) and deterministically (a fixed `--seed`).
 */

const root = resolve(new URL('../..', import.meta.url).pathname);

/** README.md and every page of docs/, as paths relative to the checkout. */
function docFiles(): string[] {
  const pages = readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`);
  return ['README.md', ...pages];
}

interface Example {
  file: string;
  line: number;
  exit: number;
  script: string;
}

const markerPattern = /^<!--\s*runnable(?:\s+exit=(\d+))?\s*-->\s*$/;

/** The runnable examples of one page; a marker that is not followed by a ```sh block is an error. */
function runnableExamples(file: string, text: string): Example[] {
  const lines = text.split('\n');
  const examples: Example[] = [];
  lines.forEach((line, index) => {
    const marker = markerPattern.exec(line.trim());
    if (!marker) return;
    const open = lines.slice(index + 1).findIndex((l) => l.trim() !== '') + index + 1;
    if (!/^```(sh|bash)\s*$/.test(lines[open]?.trim() ?? '')) {
      throw new Error(`${file}:${index + 1}: a runnable marker must be followed by a \`\`\`sh block`);
    }
    const close = lines.findIndex((l, i) => i > open && l.trim() === '```');
    if (close < 0) throw new Error(`${file}:${open + 1}: the \`\`\`sh block is not closed`);
    examples.push({ file, line: open + 1, exit: Number(marker[1] ?? 0), script: lines.slice(open + 1, close).join('\n') });
  });
  return examples;
}

const prelude = ['set -eo pipefail', `bookfuzz() { ${JSON.stringify(join(root, 'bin/bookfuzz.js'))} "$@"; }`].join('\n');

/** Commands some examples use that are not part of the project's own installation. */
const externalTools = ['jq', 'curl'];

/** Whether `tool` is a command on this machine's PATH. */
function onPath(tool: string): boolean {
  return spawnSync('bash', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).status === 0;
}

/** Runs one example as the page shows it; returns its exit code and what it printed. */
function runExample(example: Example): { code: number | null; output: string } {
  const tmp = mkdtempSync(join(tmpdir(), 'bookfuzz-docs-'));
  try {
    const result = spawnSync('bash', ['-c', `${prelude}\n${example.script}\n`], {
      cwd: root,
      env: { ...process.env, TMPDIR: tmp, NO_COLOR: '1' },
      encoding: 'utf8',
      timeout: 60_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: result.status, output: `${result.stdout}\n${result.stderr}`.slice(-4000) };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Relative link targets of a Markdown page, outside code blocks and code spans. */
function relativeLinks(text: string): { target: string; line: number }[] {
  const links: { target: string; line: number }[] = [];
  let fenced = false;
  text.split('\n').forEach((raw, index) => {
    if (/^\s*```/.test(raw)) {
      fenced = !fenced;
      return;
    }
    if (fenced) return;
    const line = raw.replace(/`[^`]*`/g, '');
    for (const match of line.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      const target = match[1] ?? '';
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
      links.push({ target, line: index + 1 });
    }
  });
  return links;
}

/** The anchors GitHub gives a page's headings (lower case, punctuation dropped, spaces to hyphens, repeats numbered). */
function headingAnchors(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of text.split('\n')) {
    if (/^\s*```/.test(line)) fenced = !fenced;
    const heading = fenced ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const slug = (heading[1] ?? '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/** Where a link leads that does not exist, or undefined when it does. */
function brokenLink(file: string, target: string): string | undefined {
  const [path = '', anchor] = target.split('#');
  const resolved = path === '' ? join(root, file) : resolve(dirname(join(root, file)), decodeURIComponent(path));
  if (!existsSync(resolved)) return `${target}: no file ${relative(root, resolved)}`;
  if (anchor && resolved.endsWith('.md') && !headingAnchors(readFileSync(resolved, 'utf8')).has(anchor)) {
    return `${target}: no heading #${anchor} in ${relative(root, resolved)}`;
  }
  return undefined;
}

/**
 * Where an example would write into the checkout: a `check` or `fuzz` that may find something
 * (any but `--variant fixed`, in an example that is not meant to fail with exit 2) saves
 * findings under `corpora/` unless given `--corpus`, and `--report`
 * writes into `bookfuzz-report/` unless given `--out`. Judged from the text, since other test
 * files may write into the checkout at the same time.
 */
function writesIntoCheckout(example: Example): string | undefined {
  const commands = example.script.replace(/\\\n/g, ' ').split('\n');
  for (const command of commands) {
    if (/\bbookfuzz (check|fuzz)\b/.test(command) && example.exit !== 2 && !/--variant fixed\b/.test(command) && !/--corpus\b/.test(command)) {
      return `${example.file}:${example.line}: findings would be saved under corpora/: give --corpus "$out/corpus"`;
    }
    if (/\bbookfuzz\b.*--report\b/.test(command) && !/--out\b/.test(command)) {
      return `${example.file}:${example.line}: reports would be written to bookfuzz-report/: give --out "$out"`;
    }
  }
  return undefined;
}

const pages = docFiles().map((file) => ({ file, text: readFileSync(join(root, file), 'utf8') }));
const examples = pages.flatMap(({ file, text }) => runnableExamples(file, text));

describe('documentation', () => {
  it('has runnable examples in the README and in the docs pages', () => {
    expect(examples.some((e) => e.file === 'README.md')).toBe(true);
    expect(examples.filter((e) => e.file !== 'README.md').length).toBeGreaterThan(5);
  });

  it('links only to files (and headings) that exist', () => {
    const broken = pages.flatMap(({ file, text }) =>
      relativeLinks(text).flatMap(({ target, line }) => {
        const problem = brokenLink(file, target);
        return problem ? [`${file}:${line}: ${problem}`] : [];
      }),
    );
    expect(broken).toEqual([]);
  });

  it('keeps what its runnable examples write out of the checkout', () => {
    expect(examples.flatMap((e) => writesIntoCheckout(e) ?? [])).toEqual([]);
  });

  describe('runnable examples', () => {
    for (const example of examples) {
      const first = example.script.split('\n').find((l) => l.startsWith('bookfuzz')) ?? example.script.split('\n')[0];
      // A tool the example uses that this machine lacks (jq, curl): the example is skipped, saying which.
      const missing = externalTools.filter((tool) => new RegExp(`(^|[\\s|;&(])${tool}\\s`).test(example.script) && !onPath(tool));
      const title = `${example.file}:${example.line} exits ${example.exit}: ${first}${missing.length > 0 ? ` (skipped: ${missing.join(', ')} not installed)` : ''}`;
      it.skipIf(missing.length > 0)(title, () => {
        const { code, output } = runExample(example);
        expect(code, output).toBe(example.exit);
      });
    }
  });
});
