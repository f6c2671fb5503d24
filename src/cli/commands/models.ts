import { listModelNames, loadModel } from '../../model/load-model.js';
import type { Io } from '../io.js';

/** `bookfuzz models`: every shipped model with its variants and flaws. */
export async function modelsCommand(io: Io, options: { json: boolean }): Promise<number> {
  const models = [];
  for (const name of listModelNames()) models.push(await loadModel(name));
  if (options.json) {
    const listing = models.map((m) => ({
      name: m.name,
      title: m.title,
      variants: m.variants,
      flaws: Object.fromEntries(Object.entries(m.flaws).map(([id, f]) => [id, { description: f.description, oracles: f.oracles }])),
    }));
    io.stdout.write(`${JSON.stringify(listing, null, 2)}\n`);
    return 0;
  }
  for (const m of models) {
    io.stdout.write(`${m.name} — ${m.title}\n`);
    io.stdout.write(`  variants: ${Object.entries(m.variants).map(([v, f]) => `${v} (${f.length === 0 ? 'no flaws' : f.join(', ')})`).join('; ')}\n`);
    for (const [id, flaw] of Object.entries(m.flaws)) {
      io.stdout.write(`  flaw ${id} [${flaw.oracles.join(', ')}]: ${flaw.description}\n`);
    }
  }
  return 0;
}
