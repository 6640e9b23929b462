// FDR of METASPACE analysis_version 1 for ONE target modifier (spec §7; MS `annotation/fdr.py`:
// `FDR.estimate_fdr` with analysis_version < 3, `score_to_fdr_map(decoy_ratio=1,
// rule_of_succession=False, monotonic=False)`, `_digitize_fdr`).
//
// Which ions count: an ion is present when its msm is a number > 0; NaN and 0 mean absent and are not
// counted as targets or decoys. Reason: `estimate_fdr` ranks the rows of the metrics table, and
// `compute_and_filter_metrics` only emits rows with msm > 0 for untargeted databases (targeted ones
// keep msm-0 rows, but v1 then shows their FDR as −1 anyway, `es_export.py`). So a target or decoy
// with msm 0 never reaches the D/T counts in METASPACE, and it does not here either. The engine's
// own golden test feeds a decoy with msm 0.0 explicitly; it cannot change any target's FDR there
// (no target scores ≤ 0), so "absent" reproduces it.

export class FdrInputError extends Error {
  override name = 'FdrInputError';
}

export interface FdrResult {
  /** Digitised FDR per target formula: a level, 1.0 beyond the last level, NaN for absent targets. */
  fdr: Float64Array;
  /** Median over the rankings of the per-ranking D/T FDR; NaN for absent targets. */
  fdrRaw: Float64Array;
  /** Continuous monotone variant: running minimum of fdrRaw from the lowest msm upwards. */
  fdrMonotone: Float64Array;
}

export const DEFAULT_FDR_LEVELS: readonly number[] = [0.05, 0.1, 0.2, 0.5];

const present = (v: number): boolean => v > 0; // false for NaN, 0 and negatives

/**
 * FDR v1 for one target modifier.
 * @param targetMsm msm per formula of the target ions (NaN or 0 = absent)
 * @param decoyMsm one array per decoy ranking, msm per formula of that ranking's decoy ion (NaN/0 = absent)
 * @param levels ascending FDR levels for digitisation
 */
export function fdrV1(
  targetMsm: Float64Array,
  decoyMsm: Float64Array[],
  levels: number[] = [...DEFAULT_FDR_LEVELS],
): FdrResult {
  const n = targetMsm.length;
  if (decoyMsm.length === 0) {
    throw new FdrInputError('fdrV1: no decoy rankings given; pass one msm array per decoy ranking (e.g. 20)');
  }
  for (let r = 0; r < decoyMsm.length; r++) {
    if (decoyMsm[r].length !== n) {
      throw new FdrInputError(
        `fdrV1: decoy ranking ${r} has ${decoyMsm[r].length} values but there are ${n} target formulas; index decoys by their target formula`,
      );
    }
  }
  for (let l = 1; l < levels.length; l++) {
    if (!(levels[l] > levels[l - 1])) {
      throw new FdrInputError(`fdrV1: FDR levels must be ascending (got ${levels.join(', ')})`);
    }
  }

  // Present targets sorted by msm descending.
  const tIdx: number[] = [];
  for (let i = 0; i < n; i++) if (present(targetMsm[i])) tIdx.push(i);
  tIdx.sort((a, b) => targetMsm[b] - targetMsm[a]);
  const nt = tIdx.length;
  const tScore = new Float64Array(nt);
  for (let q = 0; q < nt; q++) tScore[q] = targetMsm[tIdx[q]];

  const nRank = decoyMsm.length;
  const perTarget = new Float64Array(nt * nRank); // [q * nRank + r]
  const dScores = new Float64Array(n);
  for (let r = 0; r < nRank; r++) {
    const dm = decoyMsm[r];
    let nd = 0;
    for (let i = 0; i < n; i++) if (present(dm[i])) dScores[nd++] = dm[i];
    const ds = dScores.subarray(0, nd).sort().reverse();
    // Walk the unique target scores descending; T(≥s) counts every target tied at s, D(≥s) every
    // decoy ≥ s. FDR = D/T (T ≥ 1 at any target's own score, so the T = 0 → 1 rule never applies).
    let d = 0;
    let q = 0;
    while (q < nt) {
      const s = tScore[q];
      let qe = q + 1;
      while (qe < nt && tScore[qe] === s) qe++;
      while (d < nd && ds[d] >= s) d++;
      const f = d / qe;
      for (let u = q; u < qe; u++) perTarget[u * nRank + r] = f;
      q = qe;
    }
  }

  const fdrRaw = new Float64Array(n).fill(NaN);
  const vals = new Float64Array(nRank);
  for (let q = 0; q < nt; q++) {
    for (let r = 0; r < nRank; r++) vals[r] = perTarget[q * nRank + r];
    vals.sort();
    const mid = nRank >> 1;
    fdrRaw[tIdx[q]] = nRank % 2 === 1 ? vals[mid] : (vals[mid - 1] + vals[mid]) / 2;
  }

  // Digitise (MS `_digitize_fdr`): per level L, s_L = min msm among targets with fdr_raw < L; going
  // through the levels ascending, every target still at 1.0 (numpy isclose) with msm ≥ s_L gets L.
  const fdr = new Float64Array(n).fill(NaN);
  for (const i of tIdx) fdr[i] = 1.0;
  for (const L of levels) {
    let sL = Infinity;
    for (const i of tIdx) if (fdrRaw[i] < L && targetMsm[i] < sL) sL = targetMsm[i];
    if (sL === Infinity) continue; // no target below this level: min() of nothing is NaN, matches none
    for (const i of tIdx) {
      if (Math.abs(fdr[i] - 1.0) <= 1e-8 + 1e-5 && targetMsm[i] >= sL) fdr[i] = L;
    }
  }

  // Monotone continuous FDR: from the lowest msm up, running minimum of fdr_raw (ties in msm share
  // fdr_raw, so their order does not matter).
  const fdrMonotone = new Float64Array(n).fill(NaN);
  let run = Infinity;
  for (let q = nt - 1; q >= 0; q--) {
    const i = tIdx[q];
    if (fdrRaw[i] < run) run = fdrRaw[i];
    fdrMonotone[i] = run;
  }
  return { fdr, fdrRaw, fdrMonotone };
}

/**
 * One plain D/T ranking as MS `run_fdr_ranking(targets, decoys, decoy_ratio, rule_of_succession,
 * monotonic)`: the FDR of each target score. Scores are used as given (no presence filter). Exposed
 * for the engine's golden vector and for callers that want other variants.
 */
export function fdrRanking(
  targetScores: Float64Array,
  decoyScores: Float64Array,
  decoyRatio = 1,
  ruleOfSuccession = false,
  monotonic = false,
): Float64Array {
  // Unique scores descending with cumulative counts.
  const all = new Float64Array(targetScores.length + decoyScores.length);
  all.set(targetScores);
  all.set(decoyScores, targetScores.length);
  const uniq = Array.from(new Set(all)).sort((a, b) => b - a);
  const ts = Float64Array.from(targetScores).sort().reverse();
  const ds = Float64Array.from(decoyScores).sort().reverse();
  const map = new Map<number, number>();
  const fdrs = new Float64Array(uniq.length);
  let t = 0;
  let d = 0;
  for (let u = 0; u < uniq.length; u++) {
    const s = uniq[u];
    while (t < ts.length && ts[t] >= s) t++;
    while (d < ds.length && ds[d] >= s) d++;
    const ct = t + (ruleOfSuccession ? 1 : 0);
    const cd = d + (ruleOfSuccession ? 1 : 0);
    fdrs[u] = ct === 0 ? 1 : cd / decoyRatio / ct;
  }
  if (monotonic) for (let u = uniq.length - 2; u >= 0; u--) if (fdrs[u + 1] < fdrs[u]) fdrs[u] = fdrs[u + 1];
  for (let u = 0; u < uniq.length; u++) map.set(uniq[u], fdrs[u]);
  return Float64Array.from(targetScores, (s) => map.get(s) as number);
}
