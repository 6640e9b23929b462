// Isotope-centroid throughput (issue 3 item 8): HMDB (mol_db1, 11,592 formulas) × +H,+Na,+K × (1 + 20
// decoys), METASPACE v1 semantics, single thread. Also mol_db5 (388 formulas) for the spec's
// single-thread figure. Rates use this process's CPU time (user+system) so that other jobs on the
// machine do not distort them; wall time is reported too.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { BenchContext } from './run.ts';
import { computeCentroidTable } from '../src/core/chem/centroids.ts';
import { clearElementPatternCache } from '../src/core/chem/isotopes.ts';
import { generateIonFormula } from '../src/core/chem/ions.ts';
import { decoyCandidates, sampleDecoyAdducts } from '../src/core/chem/decoys.ts';

const SHARED = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../../shared');
const ADDUCTS = ['+H', '+Na', '+K'];
const N_DECOYS = 20;

function readLmDb(file: string): string[] {
  const text = readFileSync(resolve(SHARED, 'data/lithops_metaspace', file), 'utf8');
  const seen = new Set<string>();
  const out: string[] = [];
  for (const line of text.split(/\r?\n/).slice(1)) {
    const sf = line.slice(line.indexOf(',') + 1).trim();
    if (sf && !seen.has(sf)) {
      seen.add(sf);
      out.push(sf);
    }
  }
  return out;
}

/** Distinct ion formulas of targets + sampled decoys, in first-seen order; and the listed count. */
function ionList(formulas: string[]): { ions: string[]; listed: number } {
  const cands = decoyCandidates(ADDUCTS);
  const sample = sampleDecoyAdducts(formulas.length, ADDUCTS.length, cands, N_DECOYS);
  const seen = new Set<string>();
  const ions: string[] = [];
  let listed = 0;
  const add = (ion: string | null) => {
    if (ion === null) return;
    listed++;
    if (!seen.has(ion)) {
      seen.add(ion);
      ions.push(ion);
    }
  };
  formulas.forEach((f, fi) => {
    ADDUCTS.forEach((ad, ti) => {
      add(generateIonFormula(f, '', '', ad));
      for (let i = 0; i < sample.k; i++) {
        add(generateIonFormula(f, '', '', sample.candidates[sample.picks[(fi * ADDUCTS.length + ti) * sample.k + i]!]!));
      }
    });
  });
  return { ions, listed };
}

interface Run {
  cpuS: number;
  wallS: number;
  failed: number;
}

function timeRun(ions: string[], sigma: number): Run {
  clearElementPatternCache(); // cold: element patterns are recomputed in every run
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  const { errors } = computeCentroidTable(ions, 1, sigma);
  const wallS = (performance.now() - w0) / 1000;
  const c = process.cpuUsage(c0);
  return { cpuS: (c.user + c.system) / 1e6, wallS, failed: errors.filter((e) => e !== null).length };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function run(ctx: BenchContext): Promise<void> {
  const cases: { name: string; file: string; runs: number }[] = [
    { name: 'mol_db5 (388 formulas)', file: 'mol_db5.csv', runs: 3 },
  ];
  if (!ctx.quick) cases.push({ name: 'HMDB mol_db1 (11,592 formulas)', file: 'mol_db1.csv', runs: 3 });
  const rows: string[] = [];
  for (const c of cases) {
    const formulas = readLmDb(c.file);
    const { ions, listed } = ionList(formulas);
    for (const sigma of [0.000619, 0.002476]) {
      const runs: Run[] = [];
      for (let r = 0; r < c.runs; r++) {
        runs.push(timeRun(ions, sigma));
        ctx.log(`${c.name} sigma ${sigma}: run ${r + 1}: ${runs[r]!.cpuS.toFixed(2)} s CPU, ${runs[r]!.wallS.toFixed(2)} s wall`);
      }
      const cpu = median(runs.map((r) => r.cpuS));
      const wall = median(runs.map((r) => r.wallS));
      rows.push(
        `| ${c.name} | ${sigma} | ${formulas.length} | ${listed} | ${ions.length} | ${runs[0]!.failed} | ` +
          `${cpu.toFixed(2)} | ${wall.toFixed(2)} | ${Math.round(ions.length / cpu).toLocaleString('en-US')} |`,
      );
    }
  }
  const rssMb = (process.resourceUsage().maxRSS / 1024).toFixed(0);
  ctx.write(`## isotopes — centroid throughput (METASPACE v1, cpyMSpec 0.3.5 semantics)

Ion formulas: each formula × \`+H,+Na,+K\` plus 20 decoy adducts per (formula, adduct) sampled as
METASPACE v1 does (MT19937 seed 42); "distinct" = unique ion formulas, each computed once (what the
pipeline does). Single thread, charge +1, element-pattern memo cleared before every run. Times are
medians of 3 runs; the rate is distinct ion formulas per CPU-second of this process (the machine is
shared, wall time is shown for reference).

| database | sigma | formulas | ion formulas listed | distinct | failed | CPU s | wall s | ions / s / core |
|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}

Peak RSS: ${rssMb} MB. Reference: METASPACE's own calculator (C++ cpyMSpec behind Python) ≈ 700 ion formulas/s/core on this machine.
Accuracy of the same code: tests/unit/centroids-fixture.test.ts (all 7,760 rows of the METASPACE fixture).`);
}
