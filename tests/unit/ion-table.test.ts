import { describe, expect, it } from 'vitest';
import { IonTableError, buildIonTable } from '../../src/core/chem/ion-table.ts';
import { decoyCandidates, sampleDecoyAdducts } from '../../src/core/chem/decoys.ts';
import { generateIonFormula } from '../../src/core/chem/ions.ts';

const base = { chemMods: [] as string[], neutralLosses: [] as string[], polarity: '+' as const };

describe('buildIonTable', () => {
  it('lays out targets formula-major over the target modifiers; impossible ions are -1', () => {
    const t = buildIonTable({ ...base, formulas: ['C2H6O', 'H2O', 'CH4'], neutralLosses: ['-H2O'], adducts: ['+H', '+Na'], decoySampleSize: 3 });
    expect(t.targetModifiers).toEqual([
      { chemMod: '', neutralLoss: '', adduct: '+H' },
      { chemMod: '', neutralLoss: '', adduct: '+Na' },
      { chemMod: '', neutralLoss: '-H2O', adduct: '+H' },
      { chemMod: '', neutralLoss: '-H2O', adduct: '+Na' },
    ]);
    const ion = (i: number) => (i < 0 ? null : t.ions[i]);
    expect(Array.from(t.target, ion)).toEqual([
      'C2H7O', 'C2H6ONa', 'C2H5', 'C2H4Na',
      'H3O', 'H2ONa', 'H', 'Na',
      'CH5', 'CH4Na', null, null,
    ]);
    expect(t.k).toBe(3);
    // CH4 - H2O is impossible: its decoys for those modifiers are impossible too.
    for (const row of [10, 11]) for (let i = 0; i < 3; i++) expect(t.decoys[row * 3 + i]).toBe(-1);
  });

  it('decoys are the sampled adducts applied after chem_mod and neutral loss', () => {
    const formulas = ['C6H12O6', 'C2H6O', 'C5H5N5', 'C10H16N5O13P3'];
    const params = { formulas, chemMods: ['-CH2+O'], neutralLosses: ['-H2O'], adducts: ['+H', '+K', '[M]+'], polarity: '+' as const, decoySampleSize: 20 };
    const t = buildIonTable(params);
    const nTm = 2 * 2 * 3;
    expect(t.targetModifiers).toHaveLength(nTm);
    const s = sampleDecoyAdducts(formulas.length, nTm, decoyCandidates(params.adducts), 20);
    for (let f = 0; f < formulas.length; f++) {
      for (let m = 0; m < nTm; m++) {
        const tm = t.targetModifiers[m]!;
        const row = f * nTm + m;
        const want = generateIonFormula(formulas[f]!, tm.chemMod, tm.neutralLoss, tm.adduct);
        expect(t.target[row]! < 0 ? null : t.ions[t.target[row]!]).toBe(want);
        for (let i = 0; i < 20; i++) {
          const adduct = s.candidates[s.picks[row * 20 + i]!]!;
          expect(t.decoyAdducts[row * 20 + i]).toBe(adduct);
          const d = generateIonFormula(formulas[f]!, tm.chemMod, tm.neutralLoss, adduct);
          const got = t.decoys[row * 20 + i]!;
          expect(got < 0 ? null : t.ions[got]).toBe(d);
        }
      }
    }
  });

  it('lists each ion formula once and flags those that are some target', () => {
    // CH5N+Na and CH4NNa+H are the same ion; C2H6O+C (decoy) could equal another formula's target.
    const t = buildIonTable({ ...base, formulas: ['CH5N', 'CH4NNa', 'CH6O', 'C2H5O'], adducts: ['+Na', '+H'], decoySampleSize: 80 });
    expect(new Set(t.ions).size).toBe(t.ions.length);
    expect(t.ions[t.target[0 * 2 + 0]!]).toBe('CH5NNa');
    expect(t.target[0 * 2 + 0]).toBe(t.target[1 * 2 + 1]);
    // With all 80 decoys, CH6O + C = C2H6O, which is C2H5O's +H target: one ion, flagged as target.
    const shared = t.ions.indexOf('C2H6O');
    expect(shared).toBeGreaterThanOrEqual(0);
    expect(t.target[3 * 2 + 1]).toBe(shared);
    expect(Array.from(t.decoys)).toContain(shared);
    const targets = new Set(Array.from(t.target).filter((i) => i >= 0));
    for (let i = 0; i < t.ions.length; i++) expect(t.ionIsTarget[i]).toBe(targets.has(i) ? 1 : 0);
    expect(t.ionIsTarget.reduce((a, b) => a + b, 0)).toBe(targets.size);
  });

  it('caps k at the number of candidates and refuses bad modifier lists', () => {
    expect(buildIonTable({ ...base, formulas: ['CH4'], adducts: ['+H'], decoySampleSize: 100 }).k).toBe(80);
    expect(buildIonTable({ ...base, formulas: ['CH4'], adducts: ['-H', '+Cl'], decoySampleSize: 100 }).k).toBe(79);
    expect(() => buildIonTable({ ...base, formulas: ['CH4'], adducts: [], decoySampleSize: 20 })).toThrow(IonTableError);
    expect(() => buildIonTable({ ...base, formulas: ['CH4'], adducts: ['+H', '+H'], decoySampleSize: 20 })).toThrow(/listed twice/);
    expect(() => buildIonTable({ ...base, formulas: ['CH4'], adducts: ['Na'], decoySampleSize: 20 })).toThrow(/adduct 'Na' is not valid/);
    expect(() => buildIonTable({ ...base, formulas: ['CH4'], adducts: ['+H'], neutralLosses: ['H2O'], decoySampleSize: 20 })).toThrow(/neutral loss 'H2O'/);
    expect(() => buildIonTable({ ...base, formulas: ['CH4'], adducts: ['+H'], neutralLosses: [''], decoySampleSize: 20 })).toThrow(/always included/);
    // The empty adduct (M+ radical, Lithops configs) is a real target adduct.
    expect(buildIonTable({ ...base, formulas: ['CH4'], adducts: ['', '+H'], decoySampleSize: 2 }).targetModifiers).toHaveLength(2);
  });

  it('handles an empty formula list', () => {
    const t = buildIonTable({ ...base, formulas: [], adducts: ['+H'], decoySampleSize: 20 });
    expect(t.ions).toEqual([]);
    expect(t.target).toHaveLength(0);
    expect(t.decoys).toHaveLength(0);
  });
});
