// Stage "rank": the scoring model turns the per-ion metrics into the value FDR ranks and the msm shown.
// (Timed inside the 'fdr' stage: the stage names in StageStat are read by the UI and the bench.)
import type { ScoreResult } from '../../score/score-ions.ts';
import type { ScoringModel } from '../../score/models/index.ts';

export interface RankedIons {
  /** Per ion: the value FDR ranks; NaN when not scored. */
  rank: Float64Array;
  /** Per ion: the score shown as msm. */
  shown: ArrayLike<number>;
}

export function rankStage(model: ScoringModel, scores: ScoreResult): RankedIons {
  for (const m of model.metrics) {
    if (!(m in scores)) throw new Error(`scoring model ${model.id} needs the per-ion metric '${m}', which the score stage did not compute`);
  }
  return { rank: model.rank(scores), shown: model.shown(scores) };
}
