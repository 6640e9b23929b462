// The optimised centroid code (memoised element patterns, pruned convolution, skipped grid stretches,
// recurrence-evaluated envelope) against a naive transcription of ims-cpp (tests/helpers/centroids-naive.ts)
// on formulas the METASPACE fixture does not cover: a spread of HMDB formulas × target and decoy adducts,
// both charges, four sigmas. Same n_peaks, m/z within 1e-6 Da, intensity within 1e-4 relative.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { computeCentroidTable } from '../../src/core/chem/centroids.ts';
import { generateIonFormula } from '../../src/core/chem/ions.ts';
import { DECOY_ADDUCTS } from '../../src/core/chem/decoys.ts';
import { naiveIonCentroids } from '../helpers/centroids-naive.ts';
import { sharedPath } from '../helpers/shared.ts';

function hmdbSample(every: number): string[] {
  const lines = readFileSync(sharedPath('data/lithops_metaspace/mol_db1.csv'), 'utf8').split(/\r?\n/).slice(1);
  const out: string[] = [];
  for (let i = 0; i < lines.length; i += every) {
    const sf = lines[i]!.slice(lines[i]!.indexOf(',') + 1).trim();
    if (sf) out.push(sf);
  }
  return out;
}

describe('optimised centroids == naive ims-cpp transcription', () => {
  const formulas = hmdbSample(181); // ~64 formulas spread over the database
  const adducts = ['+H', '+Na', '+K', '-H', '+Cl', ...DECOY_ADDUCTS];
  const ions: string[] = [];
  formulas.forEach((f, i) => {
    // each formula with 3 adducts, rotating through the 85 so every decoy element appears
    for (let t = 0; t < 3; t++) {
      const ion = generateIonFormula(f, '', '', adducts[(i * 3 + t) % adducts.length]!);
      if (ion) ions.push(ion);
    }
  });

  for (const [charge, sigma] of [
    [1, 0.000619],
    [-1, 0.001238],
    [1, 0.002476],
    [1, 0.000347],
  ] as const) {
    it(`charge ${charge}, sigma ${sigma}: ${ions.length} ions`, () => {
      const { table, errors } = computeCentroidTable(ions, charge, sigma);
      const bad: string[] = [];
      let ok = 0;
      ions.forEach((ion, i) => {
        let ref: { mzs: number[]; ints: number[] } | null = null;
        let refErr = '';
        try {
          ref = naiveIonCentroids(ion, charge, sigma);
        } catch (e) {
          refErr = String(e);
        }
        if (ref === null) {
          if (table.nPeaks[i] !== 0) bad.push(`${ion}: naive failed (${refErr}) but fast gave peaks`);
          return;
        }
        if (table.nPeaks[i] !== ref.mzs.length) {
          bad.push(`${ion}: nPeaks ${table.nPeaks[i]} vs ${ref.mzs.length} ${errors[i] ?? ''}`);
          return;
        }
        for (let j = 0; j < ref.mzs.length; j++) {
          if (!(Math.abs(table.mzs[i * 4 + j]! - ref.mzs[j]!) <= 1e-6)) bad.push(`${ion}: mz${j} ${table.mzs[i * 4 + j]} vs ${ref.mzs[j]}`);
          if (!(Math.abs(table.ints[i * 4 + j]! - ref.ints[j]!) <= 1e-4 * ref.ints[j]!)) bad.push(`${ion}: int${j} ${table.ints[i * 4 + j]} vs ${ref.ints[j]}`);
        }
        ok++;
      });
      expect(bad.slice(0, 10)).toEqual([]);
      expect(ok).toBeGreaterThan(ions.length * 0.9);
    });
  }
});
