/** The shipped corpus is a regression suite: one finding per planted flaw. */
import { describe, expect, it } from 'vitest';
import { listModelNames, loadModel } from '../model/load-model.js';
import { oracles } from '../oracles/index.js';
import { findingFiles, readFinding } from './corpus.js';
import { replayFinding } from './replay.js';

const corpus = new URL('../../corpora', import.meta.url).pathname;

describe('the shipped corpus', async () => {
  const findings = findingFiles(corpus).map((file) => ({ file, finding: readFinding(file) }));

  it('holds one finding per planted flaw of every model', async () => {
    const expected: string[] = [];
    for (const name of listModelNames()) for (const flaw of Object.keys((await loadModel(name)).flaws)) expected.push(`${name}/${flaw}`);
    expect(findings.map(({ finding }) => `${finding.model}/${finding.flaw}`).sort()).toEqual(expected.sort());
  });

  it.each(findings.map(({ file, finding }) => [file.slice(corpus.length + 1), finding] as const))(
    '%s: STILL FAILING on the vulnerable variant, FIXED on the fixed one',
    async (_, finding) => {
      const model = await loadModel(finding.model);
      expect((await replayFinding(model, oracles, finding, { variant: 'vulnerable' })).status).toBe('still-failing');
      expect((await replayFinding(model, oracles, finding, { variant: 'fixed' })).status).toBe('fixed');
    },
  );
});
