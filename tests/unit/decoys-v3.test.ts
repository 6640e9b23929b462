// v3 decoy adducts against numpy (tests/fixtures/metaspace-ml/gen_decoys_v3.py wrote the vectors).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decoyCandidates, decoyCandidatesV3, makeTargetModifiers, sampleDecoyAdducts, sampleDecoyAdductsV3 } from '../../src/core/chem/decoys.ts';

interface Case { n_formulas: number; requested_k: number; adducts: string[]; chem_mods: string[]; neutral_losses: string[]; k: number; candidates: string[]; decoys: string[][] }
const V: { cases: Case[] } = JSON.parse(readFileSync(new URL('../fixtures/metaspace-ml/decoys_v3_vectors.json', import.meta.url), 'utf8'));

describe('v3 decoy adducts = numpy legacy shuffles, one per formula, shared by the target modifiers', () => {
  for (const c of V.cases) {
    const label = `${c.n_formulas} formulas, adducts ${c.adducts.join(' ')}, chem mods [${c.chem_mods.join(' ')}], losses [${c.neutral_losses.join(' ')}], k ${c.k}`;
    it(label, () => {
      const cand = decoyCandidatesV3(c.adducts, c.chem_mods, c.neutral_losses);
      expect(cand).toEqual(c.candidates);
      const nTm = makeTargetModifiers(c.chem_mods, c.neutral_losses, c.adducts).length;
      const s = sampleDecoyAdductsV3(c.n_formulas, nTm, cand, c.requested_k);
      expect(s.k).toBe(c.k);
      for (let f = 0; f < c.n_formulas; f++) {
        for (let t = 0; t < nTm; t++) {
          const got = Array.from(s.picks.subarray((f * nTm + t) * s.k, (f * nTm + t + 1) * s.k), (i) => s.candidates[i]);
          expect(got).toEqual(c.decoys[f]);
        }
      }
    });
  }

  it('differs from v1 as soon as there are two target modifiers (v1 draws per formula × modifier)', () => {
    const c = V.cases[0];
    const cand = decoyCandidates(c.adducts);
    const v1 = sampleDecoyAdducts(c.n_formulas, 3, cand, 20);
    const v3 = sampleDecoyAdductsV3(c.n_formulas, 3, cand, 20);
    expect(Array.from(v3.picks.subarray(0, 20))).toEqual(Array.from(v1.picks.subarray(0, 20))); // the first draw is shared
    expect(Array.from(v3.picks.subarray(20, 40))).not.toEqual(Array.from(v1.picks.subarray(20, 40)));
  });

  it('a chem mod or neutral loss that is also a decoy adduct leaves the v3 candidates (not the v1 ones)', () => {
    expect(decoyCandidatesV3(['+H'], [], ['+Cl'])).not.toContain('+Cl');
    expect(decoyCandidates(['+H'])).toContain('+Cl');
  });
});
