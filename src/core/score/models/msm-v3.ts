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
// The registry (./index.ts) makes one per chosen model with `metaspaceMlModel`; the model data loads in `prepare`.
// v3 also changes the spatial metric (../spatial-v3.ts, `spatial: 'v3'` below), the isotope patterns and the
// decoy sampling (src/core/chem).
import { compileModel, predict, type ObliviousModel } from '../catboost/oblivious.ts';
import { METASPACE_ML_MODELS, loadMetaspaceMl, type MetaspaceMlKind } from './metaspace-ml.ts';
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
    shown: (s) => Float32Array.from(metaspaceMlScores(model, s, transform)),
  };
}

/**
 * The v3 scoring model of analysis_version 3 with the chosen METASPACE-ML model: the engine's m/z-error transform
 * (settled: it reproduces METASPACE's own v3 reports, docs/metaspace-ml.md), the v3 spatial metric, and the model
 * data loaded by `prepare()` (a separate chunk in the page and the workers).
 */
export function metaspaceMlModel(kind: MetaspaceMlKind): ScoringModel {
  const info = METASPACE_ML_MODELS.find((m) => m.kind === kind);
  if (!info) throw new Error(`unknown METASPACE-ML model ${JSON.stringify(kind)}: choose ${METASPACE_ML_MODELS.map((m) => m.kind).join(' or ')}`);
  let compiled: ObliviousModel | null = null;
  const model = (): ObliviousModel => {
    if (!compiled) throw new Error(`METASPACE-ML ${kind} model not loaded: await prepare() before ranking`);
    return compiled;
  };
  // rank and shown are the same scores: computed once per ScoreResult
  let last: { s: ScoreResult; v: Float64Array } | null = null;
  const scores = (s: ScoreResult): Float64Array => {
    if (last?.s !== s) last = { s, v: metaspaceMlScores(model(), s, 'engine') };
    return last.v;
  };
  return {
    id: 'msm-v3',
    analysisVersion: 3,
    label: `METASPACE-ML (v3), ${info.name} ${info.version}`,
    metrics: ['chaos', 'spatial', 'spectral', 'mzErrAbs', 'mzErrRel'],
    spatial: 'v3',
    variant: kind,
    async prepare() {
      compiled ??= await loadMetaspaceMl(kind);
    },
    rank: scores,
    // the engine ranks the float64 score and stores msm as float32 (its v3 reports match only after that rounding)
    shown: (s) => Float32Array.from(scores(s)),
  };
}

/** Compiles committed model JSON (e.g. from a dynamic import of ./data/*.json). */
export const compileMetaspaceMl = (json: unknown): ObliviousModel => compileModel(json);
