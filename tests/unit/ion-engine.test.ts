// The vectorised ion engine (chem/ion-engine.ts) must reproduce the previous implementation exactly: per-DB
// tables from the string-per-slot builder, merged over DBs by ion string (bench/lib/ion-table-reference.ts).
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { sharedPath } from '../helpers/shared.ts';
import { parseMolDb } from '../../src/core/chem/moldb.ts';
import { buildIonTable, buildJobIonTables, type IonTable, type IonTableParams } from '../../src/core/chem/ion-table.ts';
import { referenceIonTable, referenceMerge } from '../../bench/lib/ion-table-reference.ts';

type Mods = Omit<IonTableParams, 'formulas'>;

function expectSameTables(got: IonTable[], want: IonTable[]): void {
  expect(got.length).toBe(want.length);
  for (let d = 0; d < want.length; d++) {
    const g = got[d]!;
    const w = want[d]!;
    expect(g.targetModifiers).toEqual(w.targetModifiers);
    expect(g.k).toBe(w.k);
    expect(g.polarity).toBe(w.polarity);
    // element-wise comparisons of big arrays: find the first difference instead of a huge diff
    const firstDiff = (a: ArrayLike<unknown>, b: ArrayLike<unknown>) => {
      if (a.length !== b.length) return `length ${a.length} vs ${b.length}`;
      for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return `index ${i}: ${String(a[i])} vs ${String(b[i])}`;
      return null;
    };
    expect(firstDiff(g.target, w.target), `DB ${d} target`).toBeNull();
    expect(firstDiff(g.decoys, w.decoys), `DB ${d} decoys`).toBeNull();
    expect(firstDiff(g.decoyAdducts, w.decoyAdducts), `DB ${d} decoyAdducts`).toBeNull();
  }
}

function compareJob(formulaLists: string[][], mods: Mods): number {
  const got = buildJobIonTables(formulaLists, mods);
  const want = referenceMerge(formulaLists.map((formulas) => referenceIonTable({ formulas, ...mods })));
  expect(got.ions.length).toBe(want.ions.length);
  for (let i = 0; i < want.ions.length; i++) if (got.ions[i] !== want.ions[i]) expect(`${i}: ${got.ions[i]}`).toBe(`${i}: ${want.ions[i]}`);
  expect(Buffer.from(got.isTarget).equals(Buffer.from(want.isTarget))).toBe(true);
  expectSameTables(got.tables, want.tables);
  return want.ions.length;
}

describe('vectorised ion engine = previous string-based ion tables', () => {
  it('hand-picked edge cases: shared formulas, ".", repeated elements, zero counts, mixed-sign and no-op modifiers', () => {
    const a = ['C6H12O6', 'H2O', 'CH4', 'C2H6O', 'CH5N', 'CH4NNa', 'C0H4', 'CH4C2', 'C6H12O6.H2O', 'NaCl', 'H', 'C10H16N5O13P3', 'C2H3Cl3', 'CHBrClF'];
    const b = ['H2O', 'CH6O', 'C2H5O', 'C6H12O6', 'Na', 'C3H7NO2S', 'CH4', 'KCl'];
    const mods: Mods = { chemMods: ['-CH2+O', '+H2-H'], neutralLosses: ['-H2O', '-CO2', '-NH3', '-H'], adducts: ['', '+H', '+Na', '-H', '-H2O+Na', '[M]+'], polarity: '+', decoySampleSize: 20 };
    expect(compareJob([a, b], mods)).toBeGreaterThan(1000);
    expect(compareJob([b], { ...mods, decoySampleSize: 80 })).toBeGreaterThan(100);
    expect(compareJob([a, [], b], { chemMods: [], neutralLosses: [], adducts: ['-H', '+Cl'], polarity: '-', decoySampleSize: 3 })).toBeGreaterThan(10);
  });

  it('single-DB buildIonTable keeps its own ion list and target flags', () => {
    const formulas = ['C6H12O6', 'H2O', 'CH4', 'C2H6O', 'C6H12O6', 'CH4'];
    const p = { formulas, chemMods: [], neutralLosses: ['-H2O'], adducts: ['+H', '+Na', '+K'], polarity: '+' as const, decoySampleSize: 20 };
    const got = buildIonTable(p);
    const want = referenceIonTable(p);
    expect(got.ions).toEqual(want.ions);
    expect(Array.from(got.ionIsTarget)).toEqual(Array.from(want.ionIsTarget));
    expectSameTables([got], [want]);
  });

  it('equals the reference on a db_config3-shaped job (4 real DBs sampled, 16 target modifiers, 20 decoys)', () => {
    const dbs = [1, 2, 3, 4].map((i) => {
      const p = sharedPath(`data/lithops_metaspace/mol_db${i}.csv`);
      return parseMolDb(readFileSync(p), `mol_db${i}`);
    });
    // every 8th formula keeps the cross-DB overlaps and ~1.2 M ion slots (the full job has 14 M)
    const lists = dbs.map((db) => db.formulas.filter((_, i) => i % 12 === 0));
    const n = compareJob(lists, { chemMods: [], neutralLosses: ['-H2O', '-CO2', '-NH3'], adducts: ['', '+H', '+Na', '+K'], polarity: '+', decoySampleSize: 20 });
    expect(n).toBeGreaterThan(300_000);
  }, 60_000);
});
