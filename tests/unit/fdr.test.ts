// FDR v1 against the golden cases of METASPACE's engine tests (`sm/engine/tests/test_fdr.py`, spec §7)
// and hand-checkable rankings.
import { describe, expect, it } from 'vitest';
import { fdrRanking, fdrV1, FdrInputError } from '../../src/core/score/fdr.ts';

const f64 = (a: number[]) => Float64Array.from(a);

describe('fdrV1 — test_fdr.py golden cases', () => {
  it('test_estimate_fdr_returns_correct_df (v1): 2 decoys per formula, levels [0.2, 0.8] → [0.2, 0.8]', () => {
    // targets H2O+H 0.85, C2H2+H 0.5; ranking 0 = (H2O+Cu 0.5, C2H2+Ag 0.75), ranking 1 = (H2O+Co 0.5, C2H2+Ar 0.0)
    const targets = f64([0.85, 0.5]);
    const r0 = f64([0.5, 0.75]);
    const r1 = f64([0.5, 0.0]);
    const { fdr, fdrRaw } = fdrV1(targets, [r0, r1], [0.2, 0.8]);
    expect(Array.from(fdr)).toEqual([0.2, 0.8]);
    // by hand: ranking 0 → [0, 1]; ranking 1 → [0, 1/2]; median of two = mean
    expect(Array.from(fdrRaw)).toEqual([0, 0.75]);
  });

  it('test_estimate_fdr_digitize_works: one ranking, levels [0.4, 0.8] → [0.4, 0.4, 0.4, 0.8]', () => {
    const targets = f64([1.0, 0.75, 0.5, 0.25]);
    const decoys = f64([0.75, 0.3, 0.25, 0.1]);
    const { fdr, fdrRaw } = fdrV1(targets, [decoys], [0.4, 0.8]);
    expect(Array.from(fdr)).toEqual([0.4, 0.4, 0.4, 0.8]);
    // D/T at each target score: 0/1, 1/2, 1/3, 3/4
    expect(Array.from(fdrRaw)).toEqual([0, 1 / 2, 1 / 3, 3 / 4]);
  });
});

describe('fdrRanking — test_run_fdr_ranking vector', () => {
  const targets = f64([1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.0]);
  const decoys = f64([0.8, 0.55, 0.2, 0.1]);
  const nT = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  const nD = [0, 0, 1, 1, 1, 2, 2, 2, 3, 4, 4];
  it('plain D/T', () => {
    const got = fdrRanking(targets, decoys, 1, false, false);
    nT.forEach((t, i) => expect(got[i]).toBeCloseTo(nD[i] / t, 12));
  });
  it('rule of succession (D+1)/(T+1)', () => {
    const got = fdrRanking(targets, decoys, 1, true, false);
    nT.forEach((t, i) => expect(got[i]).toBeCloseTo((nD[i] + 1) / (t + 1), 12));
  });
  it('monotone', () => {
    const exp = [0 / 2, 0 / 2, 1 / 5, 1 / 5, 1 / 5, 2 / 8, 2 / 8, 2 / 8, 3 / 9, 4 / 11, 4 / 11];
    const got = fdrRanking(targets, decoys, 1, false, true);
    exp.forEach((e, i) => expect(got[i]).toBeCloseTo(e, 12));
  });
  it('T = 0 above a score gives 1 (decoy scores above every target)', () => {
    // map has an entry for the decoy score 0.9 with T=0 → 1; targets are never affected
    expect(Array.from(fdrRanking(f64([0.5]), f64([0.9]), 1, false, false))).toEqual([1]);
  });
});

describe('fdrV1 — semantics', () => {
  it('absent targets (NaN or 0) get NaN and are not counted; absent decoys are not counted', () => {
    const targets = f64([0.9, 0, NaN, 0.3]);
    const decoys = f64([0.4, 0.95, 0.95, NaN]);
    const { fdr, fdrRaw, fdrMonotone } = fdrV1(targets, [decoys]);
    expect(Number.isNaN(fdr[1]) && Number.isNaN(fdr[2])).toBe(true);
    expect(Number.isNaN(fdrRaw[1]) && Number.isNaN(fdrMonotone[2])).toBe(true);
    // decoys present: 0.4, 0.95, 0.95 → at 0.9: D=2, T=1 → 2; at 0.3: D=3, T=2 → 1.5
    expect(fdrRaw[0]).toBe(2);
    expect(fdrRaw[3]).toBe(1.5);
    expect(fdr[0]).toBe(1);
    expect(fdr[3]).toBe(1);
  });

  it('ties: targets with the same msm share T(≥s); decoys tied with a target count', () => {
    const targets = f64([0.5, 0.5, 0.8]);
    const decoys = f64([0.5, 0.1, 0.1]);
    const { fdrRaw } = fdrV1(targets, [decoys]);
    expect(Array.from(fdrRaw)).toEqual([1 / 3, 1 / 3, 0]);
  });

  it('median over an odd and an even number of rankings', () => {
    const targets = f64([0.9, 0.2]);
    const rk = (a: number, b: number) => f64([a, b]);
    // per-ranking fdr of target 0 (msm 0.9): 1 if its decoy ≥ 0.9 else 0
    const odd = fdrV1(targets, [rk(0.95, 0), rk(0.1, 0), rk(0.1, 0)]);
    expect(odd.fdrRaw[0]).toBe(0);
    const even = fdrV1(targets, [rk(0.95, 0), rk(0.1, 0), rk(0.95, 0), rk(0.1, 0)]);
    expect(even.fdrRaw[0]).toBe(0.5);
  });

  it('digitisation uses strict <', () => {
    // one ranking: 0.9 → 0/1 = 0; 0.8 → 1/2 = 0.5 (decoy 0.85 between them)
    const r = fdrV1(f64([0.9, 0.8]), [f64([0.85, 0])], [0.5, 0.6]);
    expect(Array.from(r.fdrRaw)).toEqual([0, 0.5]);
    expect(Array.from(r.fdr)).toEqual([0.5, 0.6]); // 0.5 is not < 0.5 → next level
  });

  it('a lower-msm target with a lower raw FDR pulls higher-msm targets down to its level', () => {
    // msm 0.9 raw 1/1 (decoy 0.95 above), msm 0.5 raw 1/2: level 0.6 → s = 0.5 → both 0.6
    const r = fdrV1(f64([0.9, 0.5]), [f64([0.95, 0])], [0.6]);
    expect(Array.from(r.fdrRaw)).toEqual([1, 0.5]);
    expect(Array.from(r.fdr)).toEqual([0.6, 0.6]);
    expect(Array.from(r.fdrMonotone)).toEqual([0.5, 0.5]);
  });

  it('levels beyond every raw FDR leave 1.0', () => {
    const r = fdrV1(f64([0.9]), [f64([0.95])]);
    expect(r.fdrRaw[0]).toBe(1);
    expect(r.fdr[0]).toBe(1);
  });

  it('rejects inputs with a clear message', () => {
    expect(() => fdrV1(f64([1]), [])).toThrow(FdrInputError);
    expect(() => fdrV1(f64([1, 2]), [f64([1])])).toThrow(/decoy ranking 0 has 1 values but there are 2 target/);
    expect(() => fdrV1(f64([1]), [f64([1])], [0.2, 0.1])).toThrow(/ascending/);
  });
});
