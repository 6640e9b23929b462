// Registry of analysis versions: which scoring model and which FDR method each one uses.
//
// Adding an analysis version (e.g. v3, METASPACE-ML) is exactly:
//   1. one model module here (`msm-v3.ts`: a ScoringModel whose `rank` gives the value FDR ranks),
//   2. its FDR module here (`fdr-v3.ts`: an FdrMethod),
//   3. one entry in MODELS and FDR_METHODS below, and the option in the job form (which lists ANALYSIS_VERSIONS).
// `AnalysisVersion`, bundle validation and the pipeline's rank/fdr stages follow from this table.
import { msmV1 } from './msm-v1.ts';
import { fdrMethodV1 } from './fdr-v1.ts';
import type { FdrMethod, ScoringModel } from './types.ts';

export type { FdrMethod, IonMetric, ScoringModel } from './types.ts';

const MODELS = [msmV1] as const;
const FDR_METHODS: readonly FdrMethod[] = [fdrMethodV1];

/** The analysis versions this build can run (today: 1). */
export type AnalysisVersion = (typeof MODELS)[number]['analysisVersion'];

/** Every available version with its label, in registry order (for a form's options). */
export const ANALYSIS_VERSIONS: readonly { version: AnalysisVersion; id: string; label: string }[] = MODELS.map((m) => ({
  version: m.analysisVersion,
  id: m.id,
  label: m.label,
}));

/** The version new jobs use. */
export const DEFAULT_ANALYSIS_VERSION: AnalysisVersion = 1;

export class UnknownAnalysisVersionError extends Error {
  override name = 'UnknownAnalysisVersionError';
}

export function isAnalysisVersion(v: unknown): v is AnalysisVersion {
  return MODELS.some((m) => m.analysisVersion === v);
}

function unknown(v: unknown): UnknownAnalysisVersionError {
  const known = ANALYSIS_VERSIONS.map((a) => `${a.version} (${a.id})`).join(', ');
  return new UnknownAnalysisVersionError(`unknown analysis version ${JSON.stringify(v)}: this build has ${known}`);
}

export function scoringModelFor(version: number): ScoringModel {
  const m = MODELS.find((x) => x.analysisVersion === version);
  if (!m) throw unknown(version);
  return m;
}

export function fdrMethodFor(version: number): FdrMethod {
  const f = FDR_METHODS.find((x) => x.analysisVersion === version);
  if (!f) throw unknown(version);
  return f;
}
