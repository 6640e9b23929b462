// analysis_version 3 pieces: the v3 FDR (hand-checkable cases and the engine's own test vectors) and the
// METASPACE-ML scoring of ions (features, zero/clip rules) against CatBoost's scores in the published table.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { fdrV3, nearestFdrLevel } from '../../src/core/score/models/fdr-v3.ts';
import { featureColumns, makeMsmV3, metaspaceMlScores } from '../../src/core/score/models/msm-v3.ts';
import { CATBOOST_JSON_FORMAT, compileModel } from '../../src/core/score/catboost/oblivious.ts';
import type { ScoreResult } from '../../src/core/score/score-ions.ts';
import animalJson from '../../src/core/score/models/data/metaspace-ml-animal.v2.2023-12-14.json' with { type: 'json' };

const NaN_ = Number.NaN;
const f64 = (a: number[]) => Float64Array.from(a);

describe('v3 FDR (one ranking against all decoys, +1 corrections, monotone, nearest level)', () => {
  it("the engine's estimate_fdr test: targets 0.85, 0.5; decoys 0.5, 0.5, 0.75, 0.0 with k = 2 → 1/4, 2/3", () => {
    // test_fdr.py::test_estimate_fdr_returns_correct_df[3]: H2O+H 0.85 (decoys +Cu 0.5, +Co 0.5), C2H2+H 0.5 (+Ag 0.75, +Ar 0.0)
    const r = fdrV3(f64([0.85, 0.5]), [f64([0.5, 0.75]), f64([0.5, 0.0])]);
    expect(Array.from(r.fdrRaw)).toEqual([1 / 4, 2 / 3]);
    expect(Array.from(r.fdrMonotone)).toEqual([1 / 4, 2 / 3]);
    expect(Array.from(r.fdr)).toEqual([0.5, 1.0]);
  });

  it('(D+1)/k/(T+1) with the running minimum from below, by hand', () => {
    // the engine's run_fdr_ranking vector (targets 1.0 … 0.0, decoys 0.8, 0.55, 0.2, 0.1) with both corrections on:
    // (D+1)/(T+1) = 1/2 1/3 2/4 2/5 2/6 3/7 3/8 3/9 4/10 5/11 5/12, then the minimum over each score and all lower ones
    const t = f64([1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.0]);
    const d = new Float64Array(11).fill(NaN_);
    d.set([0.8, 0.55, 0.2, 0.1]);
    const r = fdrV3(t, [d]);
    const third = 1 / 3;
    expect(Array.from(r.fdrRaw)).toEqual([third, third, third, third, third, third, third, third, 0.4, 5 / 12, 5 / 12]);
  });

  it('divides by k: 20 decoy sets, 3 targets', () => {
    const k = 20;
    const decoys = Array.from({ length: k }, () => f64([NaN_, NaN_, NaN_]));
    decoys[0][0] = 0.95; // above every target
    decoys[1][1] = 0.6; // tied with target 1: a tie counts as ≥
    decoys[2][2] = 0.1;
    const r = fdrV3(f64([0.9, 0.6, 0.3]), decoys);
    // before the minimum: 0.9: D=1, T=1 → 2/20/2 = 0.05; 0.6: D=2, T=2 → 3/20/3 = 0.05; 0.3: D=2, T=3 → 3/20/4 = 0.0375;
    // the running minimum from below gives every target 0.0375 (without the division by k it would be 0.75)
    expect(Array.from(r.fdrRaw)).toEqual([3 / 20 / 4, 3 / 20 / 4, 3 / 20 / 4]);
    expect(Array.from(r.fdr)).toEqual([0.05, 0.05, 0.05]);
    // a lower target that is worse keeps its own FDR: a decoy at 0.2 and a new target 0.1; at 0.1 the decoys
    // 0.95, 0.6, 0.2 and 0.1 (tied) count: (4+1)/20/(4+1) = 0.05, above 0.0375
    decoys[3] = f64([0.2, NaN_, NaN_, NaN_]);
    for (let i = 0; i < k; i++) if (i !== 3) decoys[i] = f64([...decoys[i], NaN_]);
    const r2 = fdrV3(f64([0.9, 0.6, 0.3, 0.1]), decoys);
    expect(r2.fdrRaw[3]).toBe(5 / 20 / 5);
    expect(r2.fdrRaw[2]).toBe(3 / 20 / 4);
  });

  it('NaN is absent, 0 is a score: a target or decoy at 0 counts', () => {
    const r = fdrV3(f64([0.5, 0, NaN_]), [f64([0, 0, 0.7])]);
    // decoys: 0, 0, 0.7 (the third belongs to an absent target but still counts). 0.7: D=1, T=0; 0.5: D=1, T=1 → 2/2;
    // 0: D=3, T=2 → 4/3; monotone: min(1, 4/3) = 1
    expect(Array.from(r.fdrRaw)).toEqual([1, 4 / 3, NaN_]);
    expect(Array.from(r.fdr)).toEqual([1, 1, NaN_]);
  });

  it('nearest_fdr_level: the first level ≥ round(fdr, 2)', () => {
    expect([0, 0.05, 0.0549, 0.055, 0.1, 0.104, 0.105, 0.2, 0.2049, 0.5, 0.5049, 0.505, 0.9].map((x) => nearestFdrLevel(x))).toEqual([
      0.05, 0.05, 0.05, 0.1, 0.1, 0.1, 0.1, 0.2, 0.2, 0.5, 0.5, 1, 1, // 0.105 is 0.10499… in binary: round → 0.1 (Python too)
    ]);
  });

  it('refuses mismatched input', () => {
    expect(() => fdrV3(f64([1]), [])).toThrow(/no decoys/);
    expect(() => fdrV3(f64([1, 2]), [f64([1])])).toThrow(/target formulas/);
  });
});

function scores(cols: { chaos: number[]; spatial: number[]; spectral: number[]; mzErrAbs: number[]; mzErrRel: number[] }, scored?: number[]): ScoreResult {
  const n = cols.chaos.length;
  return {
    n,
    msm: new Float32Array(n),
    chaos: f64(cols.chaos),
    spatial: f64(cols.spatial),
    spectral: f64(cols.spectral),
    mzErrAbs: f64(cols.mzErrAbs),
    mzErrRel: f64(cols.mzErrRel),
    totalInt: new Float64Array(n * 4),
    minInt: new Float64Array(n * 4),
    maxInt: new Float64Array(n * 4),
    nPx: new Uint32Array(n * 4),
    scored: scored ? Uint8Array.from(scored) : new Uint8Array(n).fill(1),
  };
}

describe('METASPACE-ML ion scores', () => {
  const animal = compileModel(animalJson);
  const lines = gunzipSync(readFileSync(new URL('../fixtures/metaspace-ml/coremetabolome-v3-features.csv.gz', import.meta.url))).toString('utf8').trim().split('\n');
  const head = lines[0].split(',');
  const rows = lines.slice(1).map((l) => l.split(','));
  const col = (name: string) => rows.map((r) => Number(r[head.indexOf(name)]));
  const s = scores({ chaos: col('chaos'), spatial: col('spatial'), spectral: col('spectral'), mzErrAbs: col('mz_err_abs'), mzErrRel: col('mz_err_rel') });
  const want = col('pred_score');

  it("from the raw metrics with the training transform: CatBoost's pred_score, clipped to [0, 1], on every row with product > 0", () => {
    const got = metaspaceMlScores(animal, s, 'training');
    let checked = 0;
    for (let r = 0; r < rows.length; r++) {
      const product = s.chaos[r] * s.spatial[r] * s.spectral[r];
      if (!(product > 0)) { expect(got[r]).toBeNaN(); continue; }
      const w = Math.min(1, Math.max(0, want[r]));
      expect(Math.abs(got[r] - w)).toBeLessThanOrEqual(1e-9 * Math.abs(w));
      checked++;
    }
    expect(checked).toBeGreaterThan(9000);
  });

  it("the engine's transform (−|x|) puts every m/z-error feature below all borders, and so gives other scores", () => {
    const cols = featureColumns(animal, s, 'engine');
    const i = animal.featureNames.indexOf('mz_err_abs_abserr');
    expect(cols[i].every((v) => v <= 0)).toBe(true);
    expect(animal.borders[i][0]).toBeGreaterThan(0.99);
    const engine = metaspaceMlScores(animal, s, 'engine');
    const training = metaspaceMlScores(animal, s, 'training');
    let differ = 0;
    for (let r = 0; r < rows.length; r++) if (engine[r] !== training[r] && !Number.isNaN(engine[r])) differ++;
    expect(differ).toBeGreaterThan(rows.length / 2);
  });

  it('no score without a metrics row: not scored, or chaos·spatial·spectral ≤ 0 → NaN; the rest clipped to [0, 1]', () => {
    // one tree splitting chaos at 0.5: leaves −10 / +10, scale 1, bias 0 → raw −10 or +10 → clipped 0 or 1
    const hand = compileModel({
      format: CATBOOST_JSON_FORMAT, name: 'hand', source: 't', sha256: '', scale: 1, bias: 0,
      features: ['chaos', 'spatial', 'spectral', 'mz_err_abs_abserr', 'mz_err_rel_abserr'].map((name, i) => ({ name, flatIndex: i, nan: 'AsIs', borders: [0.5] })),
      trees: [[[0, 0]]],
      leafValues: [-10, 10],
    });
    const s2 = scores({ chaos: [0.2, 0.9, 0.9, 0.9, 0.9], spatial: [1, 1, 0, 1, 1], spectral: [1, 1, 1, NaN_, 1], mzErrAbs: [0, 0, 0, 0, 0], mzErrRel: [0, 0, 0, 0, 0] }, [1, 1, 1, 1, 0]);
    expect(Array.from(metaspaceMlScores(hand, s2))).toEqual([0, 1, NaN_, NaN_, NaN_]);
    const m = makeMsmV3(hand, 'metaspace-ml-test', 'test');
    expect(m.analysisVersion).toBe(3);
    expect(Array.from(m.rank(s2))).toEqual([0, 1, NaN_, NaN_, NaN_]);
  });
});

describe('METASPACE-ML model loading (dynamic import of the committed JSON)', () => {
  it('loads each model once, compiled, with its five features; an unknown kind is refused', async () => {
    const { loadMetaspaceMl, METASPACE_ML_MODELS } = await import('../../src/core/score/models/metaspace-ml.ts');
    expect(METASPACE_ML_MODELS.map((m) => m.kind)).toEqual(['animal', 'plant']);
    const a = await loadMetaspaceMl('animal');
    expect(await loadMetaspaceMl('animal')).toBe(a);
    expect(a.featureNames).toEqual(['chaos', 'spatial', 'spectral', 'mz_err_abs_abserr', 'mz_err_rel_abserr']);
    const p = await loadMetaspaceMl('plant');
    expect(p.name).toMatch(/Plant/);
    expect(p.bias).not.toBe(a.bias);
    await expect(loadMetaspaceMl('fungi' as never)).rejects.toThrow(/unknown METASPACE-ML model 'fungi'/);
  });
});
