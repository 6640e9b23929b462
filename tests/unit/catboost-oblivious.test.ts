// The pure-TypeScript CatBoost evaluator against CatBoost's own predictions (the published METASPACE-ML feature
// table with its predicted scores) and against hand-built models whose predictions are worked out by hand.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { binOf, CATBOOST_JSON_FORMAT, CatBoostModelError, compileModel, predict, type CatBoostJson } from '../../src/core/score/catboost/oblivious.ts';
import animalJson from '../../src/core/score/models/data/metaspace-ml-animal.v2.2023-12-14.json' with { type: 'json' };
import plantJson from '../../src/core/score/models/data/metaspace-ml-plant.v2.2023-12-14.json' with { type: 'json' };

const FIXTURE = new URL('../fixtures/metaspace-ml/coremetabolome-v3-features.csv.gz', import.meta.url);

function readTable(): { head: string[]; rows: string[][] } {
  const lines = gunzipSync(readFileSync(FIXTURE)).toString('utf8').trim().split('\n');
  return { head: lines[0].split(','), rows: lines.slice(1).map((l) => l.split(',')) };
}

function column(t: { head: string[]; rows: string[][] }, name: string): Float64Array {
  const i = t.head.indexOf(name);
  if (i < 0) throw new Error(`no column ${name}`);
  return Float64Array.from(t.rows, (r) => Number(r[i]));
}

describe('CatBoost evaluator on the published METASPACE-ML table (CoreMetabolome, CatBoost pred_score)', () => {
  const table = readTable();
  const animal = compileModel(animalJson);

  it('has at least 10,000 rows, targets and decoys from several datasets', () => {
    expect(table.rows.length).toBeGreaterThanOrEqual(10_000);
    const target = column(table, 'target');
    expect(target.some((v) => v === 1)).toBe(true);
    expect(target.some((v) => v === 0)).toBe(true);
    expect(new Set(table.rows.map((r) => r[table.head.indexOf('ds_id')])).size).toBeGreaterThan(5);
  });

  it('the Animal model reproduces every row within 1e-9 relative', () => {
    const cols = animal.featureNames.map((n) => column(table, n));
    const got = predict(animal, cols);
    const want = column(table, 'pred_score');
    let worst = 0;
    let worstRow = -1;
    for (let r = 0; r < want.length; r++) {
      const rel = Math.abs(got[r] - want[r]) / Math.abs(want[r]);
      if (!(rel <= worst)) { worst = rel; worstRow = r; }
    }
    expect(worst, `row ${worstRow}: got ${got[worstRow]}, CatBoost ${want[worstRow]}`).toBeLessThanOrEqual(1e-9);
    // the scores spread over the model's range (a constant output would not test the trees)
    expect(new Set(got).size).toBeGreaterThan(5000);
  });

  it('the Plant model does NOT reproduce the table (so the comparison can tell models apart)', () => {
    const plant = compileModel(plantJson);
    const got = predict(plant, plant.featureNames.map((n) => column(table, n)));
    const want = column(table, 'pred_score');
    let far = 0;
    for (let r = 0; r < want.length; r++) if (Math.abs(got[r] - want[r]) / Math.abs(want[r]) > 1e-9) far++;
    expect(far).toBeGreaterThan(want.length * 0.9);
  });

  it('the table’s m/z features are 1 − |m/z error| (the training transform; see docs/metaspace-ml.md)', () => {
    for (const [raw, derived] of [['mz_err_abs', 'mz_err_abs_abserr'], ['mz_err_rel', 'mz_err_rel_abserr']]) {
      const x = column(table, raw);
      const y = column(table, derived);
      let off = 0;
      for (let r = 0; r < x.length; r++) if (Math.abs(1 - Math.abs(x[r]) - y[r]) > 1e-15) off++;
      expect(off).toBe(0);
    }
  });

  it('one wrong leaf value moves the predictions of the rows that reach it', () => {
    const json = structuredClone(animalJson) as unknown as CatBoostJson;
    const cols = animal.featureNames.map((n) => column(table, n));
    const before = predict(animal, cols);
    json.leafValues = json.leafValues.map((v, i) => (i < 64 ? v + 1 : v)); // every leaf of tree 0
    const after = predict(compileModel(json), cols);
    for (let r = 0; r < 100; r++) expect(after[r] - before[r]).toBeCloseTo(json.scale, 12);
  });
});

/** A model over features a, b: tree 0 splits a > 0.5 (bit 0) then b > 1 (bit 1); tree 1 splits b > 2. */
function handModel(over: Partial<CatBoostJson> = {}): CatBoostJson {
  return {
    format: CATBOOST_JSON_FORMAT,
    name: 'hand',
    source: 'test',
    sha256: '',
    scale: 2,
    bias: 0.25,
    features: [
      { name: 'a', flatIndex: 0, nan: 'AsIs', borders: [0.5] },
      { name: 'b', flatIndex: 1, nan: 'AsIs', borders: [1, 2] },
    ],
    trees: [[[0, 0], [1, 0]], [[1, 1]]],
    leafValues: [1, 10, 100, 1000, 0.5, 0.125],
    ...over,
  };
}

describe('CatBoost evaluator on hand-built models', () => {
  it('sums the addressed leaves, then scale · sum + bias', () => {
    const m = compileModel(handModel());
    const a = [0, 0.6, 0, 0.6, 0.6, 0.5];
    const b = [0, 0, 1.5, 1.5, 3, 1];
    // leaf index of tree 0 = (a > 0.5) + 2·(b > 1); tree 1 = (b > 2)
    //   row 0: 0 → 1,      t1 0 → 0.5   : 2·1.5 + 0.25
    //   row 1: 1 → 10,     t1 0 → 0.5   : 2·10.5 + 0.25
    //   row 2: 2 → 100,    t1 0 → 0.5   : 2·100.5 + 0.25
    //   row 3: 3 → 1000,   t1 0 → 0.5
    //   row 4: 3 → 1000,   t1 1 → 0.125
    //   row 5: a = 0.5 is not > 0.5, b = 1 is not > 1 → leaf 0
    expect(Array.from(predict(m, [a, b]))).toEqual([3.25, 21.25, 201.25, 2001.25, 2000.5, 3.25]);
  });

  it('compares in float32 like CatBoost: a value that rounds onto the border is not above it', () => {
    const border = Math.fround(0.1); // 0.100000001490116…
    const m = compileModel(handModel({ features: [{ name: 'a', flatIndex: 0, nan: 'AsIs', borders: [border] }, { name: 'b', flatIndex: 1, nan: 'AsIs', borders: [1, 2] }] }));
    const justAbove = border + 1e-12; // > border in float64, == border in float32
    expect(justAbove > border).toBe(true);
    expect(Math.fround(justAbove)).toBe(border);
    expect(Array.from(predict(m, [[justAbove], [0]]))).toEqual([3.25]);
    expect(Array.from(predict(m, [[0.2], [0]]))).toEqual([21.25]);
  });

  it('NaN: below every border unless the feature says AsTrue', () => {
    const f = Float32Array.from([1, 2, 3]);
    expect(binOf(f, Number.NaN, false)).toBe(0);
    expect(binOf(f, Number.NaN, true)).toBe(3);
    expect([0.5, 1, 1.5, 2, 2.5, 3, 4].map((x) => binOf(f, x, false))).toEqual([0, 0, 1, 1, 2, 2, 3]);
  });

  it('refuses malformed models with a reason', () => {
    expect(() => compileModel({ ...handModel(), format: 'catboost-json' })).toThrow(CatBoostModelError);
    expect(() => compileModel(handModel({ leafValues: [1, 2, 3] }))).toThrow(/leaf values/);
    expect(() => compileModel(handModel({ trees: [[[0, 3]]], leafValues: [1, 2] }))).toThrow(/out of range/);
    expect(() => compileModel(handModel({ features: [{ name: 'a', flatIndex: 0, nan: 'AsIs', borders: [0.1] }, { name: 'b', flatIndex: 1, nan: 'AsIs', borders: [2, 1] }] }))).toThrow(/ascending|float32/);
    expect(() => predict(compileModel(handModel()), [[1]])).toThrow(/2 \(a, b\)|reads 2/);
  });
});
