// METASPACE analysis_version 3 scoring ("METASPACE-ML"): a CatBoost model ranks each ion from its metrics
// (MS `annotation/scoring_model.py`, CatBoostScoringModel.score). Per ion, in the engine's order:
//   1. features, by the model's feature names: chaos, spatial, spectral as computed, and for `<m>_abserr` the
//      transformed m/z error of metric <m> (see MzErrTransform: the engine and the training differ),
//   2. score = the model's RawFormulaVal (../catboost/oblivious.ts),
//   3. score = 0 where spatial·spectral·chaos <= 0 (the model never saw such ions),
//   4. score clipped to [0, 1].
// Which ions have a score: the engine ranks the metrics rows it keeps, and for untargeted databases it keeps only
// rows with spatial·spectral·chaos > 0 (formula_validator.compute_and_filter_metrics), so step 3 never fires there.
// Here: an ion not scored, or with product <= 0, is NaN (absent for FDR, fdr-v3.ts). Targeted databases (whose
// zero rows the engine keeps, with score 0) are not modelled: imzlens has none.
//
// Not in the registry yet (docs/metaspace-ml.md, "What remains"): v3 also changes the isotope patterns and the
// decoy sampling, which live in src/core/chem.
import { compileModel, predict, type ObliviousModel } from '../catboost/oblivious.ts';
import type { ScoreResult } from '../score-ions.ts';
import type { IonMetric, ScoringModel } from './types.ts';

/**
 * How `mz_err_*_abserr` is made from the m/z error x. 'engine': −|x|, what `add_derived_features` feeds the model
 * in the METASPACE engine; 'training': 1 − |x|, what the models were trained on (fdr_engineering/run_train_eval.py
 * says so, the models' borders lie in [0.997, 1), and the published feature table holds 1 − |x|). With 'engine'
 * every m/z-error split of these models is false.
 */
export type MzErrTransform = 'engine' | 'training';

const METRIC_OF: Record<string, IonMetric> = { chaos: 'chaos', spatial: 'spatial', spectral: 'spectral', mz_err_abs: 'mzErrAbs', mz_err_rel: 'mzErrRel' };

/** The model's feature columns for the ions `idx` of `s` (default: all), in the model's feature order. */
export function featureColumns(model: ObliviousModel, s: ScoreResult, transform: MzErrTransform, idx?: ArrayLike<number>): Float64Array[] {
  const rows = idx ?? Array.from({ length: s.n }, (_, i) => i);
  return model.featureNames.map((name) => {
    const abserr = name.endsWith('_abserr');
    const metric = METRIC_OF[abserr ? name.slice(0, -'_abserr'.length) : name];
    if (!metric) throw new Error(`METASPACE-ML model ${model.name} reads feature '${name}', which imzlens does not compute`);
    const src = s[metric] as Float64Array;
    const off = transform === 'engine' ? 0 : 1;
    return Float64Array.from(rows, abserr ? (i) => off - Math.abs(src[i]) : (i) => src[i]);
  });
}

/** Steps 1–4 above for every ion: NaN where the engine would have no row. Only those rows are evaluated. */
export function metaspaceMlScores(model: ObliviousModel, s: ScoreResult, transform: MzErrTransform = 'engine'): Float64Array {
  const out = new Float64Array(s.n).fill(Number.NaN);
  const rows: number[] = [];
  for (let i = 0; i < s.n; i++) {
    // NaN product counts as <= 0, as pandas' fillna(0) does
    if (s.scored[i] && s.spatial[i] * s.spectral[i] * s.chaos[i] > 0) rows.push(i);
  }
  const raw = predict(model, featureColumns(model, s, transform, rows));
  rows.forEach((i, j) => {
    const v = raw[j];
    out[i] = v < 0 ? 0 : v > 1 ? 1 : v;
  });
  return out;
}

/** A v3 ScoringModel over one compiled model (Animal or Plant). */
export function makeMsmV3(model: ObliviousModel, id: string, label: string, transform: MzErrTransform = 'engine'): ScoringModel {
  return {
    id,
    analysisVersion: 3,
    label,
    metrics: ['chaos', 'spatial', 'spectral', 'mzErrAbs', 'mzErrRel'],
    rank: (s) => metaspaceMlScores(model, s, transform),
    shown: (s) => metaspaceMlScores(model, s, transform),
  };
}

/** Compiles committed model JSON (e.g. from a dynamic import of ./data/*.json). */
export const compileMetaspaceMl = (json: unknown): ObliviousModel => compileModel(json);
