// Registry of analysis versions: which scoring model and which FDR method each one uses.
//
// Adding an analysis version is exactly:
//   1. one model module here (a ScoringModel whose `rank` gives the value FDR ranks; `prepare` if it loads data),
//   2. its FDR module here (an FdrMethod),
//   3. its entry in ./versions.ts (labels, model choices: what the job form and the CLI list) and in MAKERS and
//      FDR_METHODS below.
// `AnalysisVersion`, bundle validation and the pipeline's rank/fdr stages follow from these tables. Code that only
// needs names and checks (the page's main thread, CSV, bundles) imports ./versions.ts, which has no model data.
import { msmV1 } from './msm-v1.ts';
import { metaspaceMlModel } from './msm-v3.ts';
import { fdrMethodV1 } from './fdr-v1.ts';
import { fdrMethodV3 } from './fdr-v3.ts';
import type { MetaspaceMlKind } from './metaspace-ml-info.ts';
import { effectiveModel, modelProblem, unknownVersion, type AnalysisVersion } from './versions.ts';
import type { FdrMethod, ScoringModel } from './types.ts';

export * from './versions.ts';
export type { FdrMethod, IonMetric, ScoringModel } from './types.ts';

const MAKERS: Record<AnalysisVersion, (model?: string) => ScoringModel> = {
  1: () => msmV1,
  3: (model) => metaspaceMlModel((model ?? 'animal') as MetaspaceMlKind),
};
const FDR_METHODS: readonly FdrMethod[] = [fdrMethodV1, fdrMethodV3];

/** A fresh scoring model for a job (its `prepare` state is the job's own). */
export function scoringModelFor(version: number, model?: string): ScoringModel {
  const make = (MAKERS as Record<number, ((model?: string) => ScoringModel) | undefined>)[version];
  if (!make) throw unknownVersion(version);
  const problem = modelProblem(version, model);
  if (problem) throw new Error(problem);
  return make(effectiveModel(version, model));
}

export function fdrMethodFor(version: number): FdrMethod {
  const f = FDR_METHODS.find((x) => x.analysisVersion === version);
  if (!f) throw unknownVersion(version);
  return f;
}
