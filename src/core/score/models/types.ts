// The scoring-model seam: what turns the per-ion metrics of the score stage into the one value FDR ranks,
// and which FDR method goes with it. One pair per METASPACE analysis version (see ./index.ts).
import type { ScoreResult, SpatialImpl } from '../score-ions.ts';
import type { FdrResult } from '../fdr.ts';

/** Per-ion metrics the score stage computes (ScoreResult's arrays). */
export type IonMetric = 'spectral' | 'spatial' | 'chaos' | 'mzErrAbs' | 'mzErrRel' | 'totalInt' | 'maxInt' | 'nPx';

export interface ScoringModel {
  /** Stable id, e.g. 'msm-v1'. */
  readonly id: string;
  /** The METASPACE analysis_version this model reproduces. */
  readonly analysisVersion: number;
  /** Human name for forms and exports. */
  readonly label: string;
  /** The metrics `rank` reads; the score stage must provide them. */
  readonly metrics: readonly IonMetric[];
  /** Which spatial metric the score stage computes for this model (absent = 'v1'). */
  readonly spatial?: SpatialImpl;
  /** The model variant chosen (e.g. METASPACE-ML 'animal' | 'plant'); absent for models without a choice. */
  readonly variant?: string;
  /**
   * Loads what `rank` needs (e.g. model data fetched on demand); the pipeline awaits it before the rank stage.
   * `rank` and `shown` throw if called before it resolved.
   */
  prepare?(): Promise<void>;
  /** Per ion: the value FDR ranks (higher = better); NaN for an ion that was not scored. */
  rank(scores: ScoreResult): Float64Array;
  /** Per ion: the score shown as `msm` in the table, CSV and bundle (may be a rounded form of `rank`). */
  shown(scores: ScoreResult): ArrayLike<number>;
}

export interface FdrMethod {
  readonly id: string;
  readonly analysisVersion: number;
  /**
   * FDR of the targets of ONE target modifier: `target[f]` is the ranked value of formula f's target ion,
   * `decoys[i][f]` that of its i-th decoy (NaN/0 = absent).
   */
  estimate(target: Float64Array, decoys: Float64Array[]): FdrResult;
}
