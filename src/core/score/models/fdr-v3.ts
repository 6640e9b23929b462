// FDR of METASPACE analysis_version 3 for ONE target modifier (MS `annotation/fdr.py`: `FDR.estimate_fdr` with
// analysis_version >= 3, then `es_export.py` for the level). Differences from v1 (../fdr.ts):
//   - one ranking of the targets against ALL their decoys together (not k rankings and a median),
//   - decoy_ratio = k (the decoy sample size): FDR(s) = (D(≥s) + 1) / k / (T(≥s) + 1), the +1 being the
//     engine's "rule of succession",
//   - monotonic: each score's FDR is the minimum over itself and every lower score,
//   - no digitisation by msm thresholds: the shown level is `nearest_fdr_level`, the first level L with
//     round(fdr, 2) <= L, else 1.
// Which ions count: every ranked value that is a number, 0 included (the engine ranks every metrics row it has,
// and the CatBoost score of a row can be clipped to 0). NaN = the engine has no row for that ion.
import { fdrRanking, type FdrResult } from '../fdr.ts';
import type { FdrMethod } from './types.ts';

/** METASPACE's FDR levels (FDR.fdr_levels). */
export const FDR_LEVELS_V3: readonly number[] = [0.05, 0.1, 0.2, 0.5];

/**
 * `FDR.nearest_fdr_level`: the first level L with round(fdr, 2) <= L, else 1.0. Python rounds the exact binary
 * value half-to-even and toFixed rounds it half-up; they differ only on exact binary ties (k/8 + 1/200…, i.e. x·100
 * ending in exactly .5), and no such tie sits next to a level (0.045/0.055, 0.095/0.105, 0.195/0.205,
 * 0.495/0.505 are not binary fractions), so the level is the same.
 */
export function nearestFdrLevel(fdr: number, levels: readonly number[] = FDR_LEVELS_V3): number {
  const r = Number(fdr.toFixed(2));
  for (const L of levels) if (r <= L) return L;
  return 1.0;
}

/**
 * v3 FDR for one target modifier: `target[f]` is formula f's target score, `decoys[i][f]` its i-th decoy's
 * (NaN = absent). k = decoys.length is the decoy ratio.
 */
export function fdrV3(target: Float64Array, decoys: Float64Array[], levels: readonly number[] = FDR_LEVELS_V3): FdrResult {
  const n = target.length;
  const k = decoys.length;
  if (k === 0) throw new RangeError('fdrV3: no decoys given (decoy_sample_size 0)');
  for (const d of decoys) if (d.length !== n) throw new RangeError(`fdrV3: a decoy array has ${d.length} values for ${n} target formulas`);
  const tIdx: number[] = [];
  for (let f = 0; f < n; f++) if (!Number.isNaN(target[f])) tIdx.push(f);
  const ts = Float64Array.from(tIdx, (f) => target[f]);
  let nd = 0;
  for (const d of decoys) for (let f = 0; f < n; f++) if (!Number.isNaN(d[f])) nd++;
  const ds = new Float64Array(nd);
  let j = 0;
  for (const d of decoys) for (let f = 0; f < n; f++) if (!Number.isNaN(d[f])) ds[j++] = d[f];
  const q = fdrRanking(ts, ds, k, true, true);
  const fdr = new Float64Array(n).fill(Number.NaN);
  const cont = new Float64Array(n).fill(Number.NaN);
  tIdx.forEach((f, i) => {
    cont[f] = q[i];
    fdr[f] = nearestFdrLevel(q[i], levels);
  });
  // v3's FDR is already monotone: the continuous value is both the "raw" and the monotone one.
  return { fdr, fdrRaw: cont, fdrMonotone: cont };
}

export const fdrMethodV3 = {
  id: 'fdr-v3',
  analysisVersion: 3,
  estimate: (target, decoys) => fdrV3(target, decoys),
} as const satisfies FdrMethod;
