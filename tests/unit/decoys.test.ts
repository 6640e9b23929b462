import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { gunzipSync } from 'fflate';
import Papa from 'papaparse';
import { MT19937 } from '../../src/core/chem/mt19937.ts';
import { DECOY_ADDUCTS, decoyCandidates, makeTargetModifiers, sampleDecoyAdducts } from '../../src/core/chem/decoys.ts';
import { buildIonTable } from '../../src/core/chem/ion-table.ts';
import { parseMolDb } from '../../src/core/chem/moldb.ts';
import { REPO_ROOT, sharedPath } from '../helpers/shared.ts';

// Vectors written by Debian's python3-numpy (tests/fixtures/decoys/gen_vectors.py).
interface Vectors {
  numpy_version: string;
  states: { seed: number; pos: number; key_head: number[]; key_tail: number[] }[];
  uint32_seed42: number[];
  interval_seed42: { max: number; values: number[] }[];
  shuffle_seed42: { n: number; result: number[] }[];
  decoys_80_k20: string[][];
  decoys_minus_Cl_k20: string[][];
}
const V: Vectors = JSON.parse(readFileSync(resolve(REPO_ROOT, 'tests/fixtures/decoys/numpy_vectors.json'), 'utf8'));

// Debian's python3-numpy, when installed, regenerates the committed vectors byte for byte.
const DEBIAN_PY = '/usr/bin/python3';
const hasNumpy = existsSync(DEBIAN_PY) && spawnSync(DEBIAN_PY, ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;

describe('MT19937 = numpy legacy RandomState', () => {
  it.skipIf(!hasNumpy)('committed vectors are what gen_vectors.py prints with this numpy', () => {
    const r = spawnSync(DEBIAN_PY, [resolve(REPO_ROOT, 'tests/fixtures/decoys/gen_vectors.py')], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(readFileSync(resolve(REPO_ROOT, 'tests/fixtures/decoys/numpy_vectors.json'), 'utf8'));
  });

  it('seeds the state like RandomState(seed)', () => {
    for (const s of V.states) {
      const r = new MT19937(s.seed);
      expect(r.pos).toBe(s.pos);
      expect(Array.from(r.key.subarray(0, 8))).toEqual(s.key_head);
      expect(Array.from(r.key.subarray(620))).toEqual(s.key_tail);
    }
  });

  it('draws the same 1,500 raw 32-bit words after seed 42', () => {
    const r = new MT19937(42);
    const got = Array.from({ length: V.uint32_seed42.length }, () => r.nextUint32());
    expect(got).toEqual(V.uint32_seed42);
  });

  it('bounded integers by masked rejection match, including bounds ≥ 2^31', () => {
    const r = new MT19937(42);
    for (const { max, values } of V.interval_seed42) {
      expect(values.map(() => r.interval(max)), `max ${max}`).toEqual(values);
    }
  });

  it('consecutive list shuffles match, lengths 0 to 1,000', () => {
    const r = new MT19937(42);
    for (const { n, result } of V.shuffle_seed42) {
      const x = Array.from({ length: n }, (_, i) => i);
      r.shuffle(x);
      expect(x, `n ${n}`).toEqual(result);
    }
  });

  it('rejects seeds numpy rejects', () => {
    expect(() => new MT19937(-1)).toThrow(/seed/);
    expect(() => new MT19937(2 ** 32)).toThrow(/seed/);
  });
});

describe('decoy adducts', () => {
  it('has METASPACE’s 80 adducts and none of H, Na, K', () => {
    expect(DECOY_ADDUCTS).toHaveLength(80);
    expect(new Set(DECOY_ADDUCTS).size).toBe(80);
    expect(DECOY_ADDUCTS.slice(0, 3)).toEqual(['+He', '+Li', '+Be']);
    expect(DECOY_ADDUCTS.at(-1)).toBe('+Ta');
    for (const a of ['+H', '+Na', '+K']) expect(DECOY_ADDUCTS).not.toContain(a);
  });

  it('removes target adducts from the candidates, keeping order', () => {
    expect(decoyCandidates(['+H', '+Na', '+K'])).toEqual([...DECOY_ADDUCTS]);
    const neg = decoyCandidates(['-H', '+Cl']);
    expect(neg).toHaveLength(79);
    expect(neg).not.toContain('+Cl');
    expect(neg[14]).toBe('+Ar');
  });

  it('samples per (formula, target modifier) like numpy: 80 candidates and 79 (negative mode)', () => {
    const s = sampleDecoyAdducts(100, 3, DECOY_ADDUCTS, 20);
    expect(s.k).toBe(20);
    const got = Array.from({ length: 300 }, (_, d) => Array.from(s.picks.subarray(d * 20, d * 20 + 20), (i) => s.candidates[i]));
    expect(got).toEqual(V.decoys_80_k20);
    const neg = sampleDecoyAdducts(50, 2, decoyCandidates(['-H', '+Cl']), 20);
    const gotNeg = Array.from({ length: 100 }, (_, d) => Array.from(neg.picks.subarray(d * 20, d * 20 + 20), (i) => neg.candidates[i]));
    expect(gotNeg).toEqual(V.decoys_minus_Cl_k20);
  });

  it('caps the sample size at the number of candidates', () => {
    const s = sampleDecoyAdducts(2, 1, ['+He', '+Li', '+Be'], 20);
    expect(s.k).toBe(3);
    expect(s.picks).toHaveLength(6);
    expect([...s.picks.subarray(0, 3)].sort()).toEqual([0, 1, 2]);
  });

  it('builds target modifiers in the engine’s product order', () => {
    const tms = makeTargetModifiers(['-H2O+H2O'], ['-H2O'], ['+H', '[M]+']);
    expect(tms.map((t) => t.tm)).toEqual(['+H', '', '-H2O+H', '-H2O', '-H2O+H2O+H', '-H2O+H2O', '-H2O+H2O-H2O+H', '-H2O+H2O-H2O']);
    expect(tms.map((t) => t.decoyPrefix)).toEqual(['', '', '-H2O', '-H2O', '-H2O+H2O', '-H2O+H2O', '-H2O+H2O-H2O', '-H2O+H2O-H2O']);
  });
});

describe('decoys end to end = METASPACE’s picks on the annotate fixture', () => {
  it('every decoy in all_ions_ref.csv.gz is the one our sampling puts at its (formula, adduct, ranking)', () => {
    const db = parseMolDb(readFileSync(sharedPath('fixtures/annotate/fixture_db.csv')), 'fixture_db.csv');
    expect(db.formulas).toHaveLength(1932);
    const params = {
      formulas: db.formulas,
      chemMods: [],
      neutralLosses: [],
      adducts: ['+H', '+Na', '+K'],
      polarity: '+' as const,
      decoySampleSize: 20,
    };
    const table = buildIonTable(params);
    expect(table.k).toBe(20);
    const csv = new TextDecoder().decode(gunzipSync(readFileSync(sharedPath('fixtures/annotate/all_ions_ref.csv.gz'))));
    const rows = Papa.parse<Record<string, string>>(csv, { header: true, skipEmptyLines: true }).data;
    const fIndex = new Map(db.formulas.map((f, i) => [f, i]));
    const tmIndex = new Map(table.targetModifiers.map((t, i) => [t.adduct, i]));
    let nDecoys = 0;
    let nTargets = 0;
    let nSlots = 0;
    for (const r of rows) {
      const f = fIndex.get(r.formula!);
      expect(f, `formula ${r.formula} is in the DB`).toBeDefined();
      if (r.target === 'True') {
        const ion = table.target[f! * 3 + tmIndex.get(r.modifier!)!]!;
        expect(table.ions[ion]).toBe(r.ion_formula);
        nTargets++;
        continue;
      }
      // One decoy ion can serve several (target adduct, ranking) slots: 'a#i;b#j'.
      for (const ref of r.decoy_of!.split(';')) {
        const [adduct, rank] = ref.split('#');
        const row = f! * 3 + tmIndex.get(adduct!)!;
        const slot = row * table.k + Number(rank);
        expect(table.decoyAdducts[slot], `${r.formula} ${ref}`).toBe(r.modifier);
        expect(table.ions[table.decoys[slot]!]).toBe(r.ion_formula);
        nSlots++;
      }
      nDecoys++;
    }
    expect(nDecoys).toBe(73);
    expect(nSlots).toBe(87);

    // Control: the same sampling over a different formula order does not reproduce METASPACE's picks.
    const shuffled = buildIonTable({ ...params, formulas: [...db.formulas].reverse() });
    const rev = new Map([...db.formulas].reverse().map((f, i) => [f, i]));
    let same = 0;
    for (const r of rows) {
      if (r.target === 'True') continue;
      const [adduct, rank] = r.decoy_of!.split(';')[0]!.split('#');
      if (shuffled.decoyAdducts[(rev.get(r.formula!)! * 3 + tmIndex.get(adduct!)!) * 20 + Number(rank)] === r.modifier) same++;
    }
    expect(same).toBeLessThan(20);
    expect(nTargets).toBe(5067);
  });
});
