import fc from 'fast-check';
import { identitiesArb, identityCanaries, findCanaries } from './index.ts';
const samples = fc.sample(identitiesArb({ minLength: 1, maxLength: 20 }), { seed: 42, numRuns: 300 });
const text = '<html><body><h1>HELLO</h1><p>NHS 999 000 0018, tel 07700900123 x@example.org</p></body></html>';
const per: Record<string, number> = {};
const cnt: Record<string, number> = {};
for (const ids of samples) for (const c of ids.flatMap((id, i) => identityCanaries(id, `p${i}`))) {
  const t0 = performance.now(); findCanaries(text, [c]); per[c.field] = (per[c.field] ?? 0) + performance.now() - t0; cnt[c.field] = (cnt[c.field] ?? 0) + 1;
}
for (const k in per) console.log(k, cnt[k], (per[k]! / cnt[k]!).toFixed(3));
