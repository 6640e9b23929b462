#!/usr/bin/env node
// Regenerates the page's example dataset under public/example/ (committed, so `npm start` needs no generation):
// a small SIMULATED tissue-shaped dataset, a few hundred CoreMetabolome v3 formulas (incl. the planted ones, with
// their METASPACE ids and names; Apache-2.0 via METASPACE), the ground truth and index.json. Deterministic:
// running it again gives byte-identical files.
//   node scripts/make-example.mjs [--shared ../shared]
import { register } from 'tsx/esm/api';
import { readFileSync, writeFileSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

register();
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { shared: { type: 'string', default: resolve(root, '../shared') } } });
const { parseMolDb } = await import('../src/core/chem/moldb.ts');
const { ionCentroids } = await import('../src/core/chem/centroids.ts');
const { planSimulation } = await import('../src/core/sim/simulate.ts');
const { writeSimulation } = await import('../src/core/sim/write.ts');
const { MemorySink } = await import('../src/core/imzml/writer.ts');
const { Rng } = await import('../src/core/sim/rng.ts');

const SEED = 20261127;
const N_DB = 300;
const N_TRUE = 30;
const ADDUCTS = ['+H', '+Na', '+K'];
const SIGMA = 0.000619;
const OUT = join(root, 'public/example');

const cmPath = join(values.shared, 'data/metaspace/recal_dbs/CoreMetabolome-v3.csv');
let cmBytes;
try {
  cmBytes = new Uint8Array(readFileSync(cmPath));
} catch {
  throw new Error(`${cmPath}: CoreMetabolome v3 not found; pass --shared <path of the shared/ folder>`);
}
const cm = parseMolDb(cmBytes, 'CoreMetabolome-v3.csv');

// a seeded sample of distinct formulas, in CoreMetabolome order; the planted ions are drawn from it
const rng = new Rng(SEED, 7);
const pick = rng.shuffle(cm.formulas.map((_, i) => i)).slice(0, N_DB).sort((a, b) => a - b);
const chosen = new Set(pick);
const formulas = pick.map((i) => cm.formulas[i]);

const plan = planSimulation({
  width: 48, height: 36, seed: SEED, formulas, nTrue: N_TRUE, adducts: ADDUCTS, polarity: '+', sigma: SIGMA,
  noisePeaks: 120, backgroundPeaks: 25, mzRange: [100, 1000], centroids: ionCentroids,
  scaleRange: [2e3, 2e5],
});
const ibd = new MemorySink();
const imzml = new MemorySink();
const r = await writeSimulation(plan, { ibd, imzml }, { pixelSizeUm: 20 });

// database rows: every CoreMetabolome molecule whose formula was chosen (mol_id, mol_name, formula)
const csvField = (s) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
const dbLines = ['mol_id,mol_name,formula'];
// (CoreMetabolome reuses a few ids for two formulas: keep the first, unless that would drop a chosen formula)
const m = cm.molecules;
const seenIds = new Set();
const covered = new Set();
const later = [];
for (let k = 0; k < m.ids.length; k++) {
  const f = m.formulaIndex[k];
  if (!chosen.has(f)) continue;
  if (seenIds.has(m.ids[k])) { later.push(k); continue; }
  seenIds.add(m.ids[k]);
  covered.add(f);
  dbLines.push([m.ids[k], m.names[k], cm.formulas[f]].map(csvField).join(','));
}
for (const k of later) {
  if (covered.has(m.formulaIndex[k])) continue;
  covered.add(m.formulaIndex[k]);
  dbLines.push([m.ids[k], m.names[k], cm.formulas[m.formulaIndex[k]]].map(csvField).join(','));
}

mkdirSync(OUT, { recursive: true });
writeFileSync(join(OUT, 'example.imzML'), imzml.bytes());
writeFileSync(join(OUT, 'example.ibd'), ibd.bytes());
writeFileSync(join(OUT, 'example-db.csv'), `${dbLines.join('\n')}\n`);
writeFileSync(join(OUT, 'example.truth.csv'), r.truthCsv);
const index = {
  name: 'Simulated example',
  description:
    // no size here: the page states it once, from the dataset itself (its bounding box of sampled pixels is smaller
    // than the simulation's canvas, so a canvas size here would contradict the header)
    `SIMULATED data, not a real measurement: ` +
    `${N_TRUE} planted ions (${ADDUCTS.join(', ')}) from ${N_DB} CoreMetabolome v3 formulas, with random noise ` +
    `and chemical-background peaks. Made by 'node scripts/make-example.mjs' (seed ${SEED}); ground truth in example.truth.csv.`,
  imzml: 'example.imzML',
  ibd: 'example.ibd',
  db: 'example-db.csv',
  truth: 'example.truth.csv',
  polarity: '+',
  adducts: ADDUCTS,
  sigma: SIGMA,
  ppm: 3,
};
writeFileSync(join(OUT, 'index.json'), `${JSON.stringify(index, null, 2)}\n`);
const size = (f) => statSync(join(OUT, f)).size;
const files = ['example.imzML', 'example.ibd', 'example-db.csv', 'example.truth.csv', 'index.json'];
const total = files.reduce((s, f) => s + size(f), 0);
console.log(`${plan.nTissue} spectra, ${(r.stats.nPeaks / r.nSpectra).toFixed(0)} peaks/spectrum, ${dbLines.length - 1} molecules / ${N_DB} formulas, sha1 ${r.sha1}`);
for (const f of files) console.log(`  ${f} ${(size(f) / 1e6).toFixed(2)} MB`);
console.log(`  total ${(total / 1e6).toFixed(2)} MB`);
