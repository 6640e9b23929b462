// The analysis versions as data: ids, labels, explanations, model choices and the checks on them — what forms,
// result labels, the CSV writer and bundle validation need. No scoring code and no model data: a page bundle that
// imports this never carries the METASPACE-ML model chunks (./index.ts adds the scoring models and FDR methods).
import { METASPACE_ML_MODELS } from './metaspace-ml-info.ts';

export type { MetaspaceMlKind } from './metaspace-ml-info.ts';

/** A model an analysis version lets the user choose (METASPACE's `scoring_model`). */
export interface ModelChoice {
  /** The value JobParams.scoringModel, the CLI's --model and bundles carry. */
  id: string;
  /** METASPACE's model name, e.g. METASPACE-ML_Animal. */
  name: string;
  version: string;
  /** Short label for a select. */
  label: string;
  /** Which samples it is for. */
  use: string;
}

const ML_CHOICES: readonly ModelChoice[] = METASPACE_ML_MODELS.map((m) => ({
  id: m.kind,
  name: m.name,
  version: m.version,
  label: m.kind === 'animal' ? 'Animal' : 'Plant',
  use: m.use,
}));

const VERSIONS = [
  {
    version: 1,
    id: 'msm-v1',
    label: 'METASPACE v1 (MSM = spectral × spatial × chaos)',
    short: 'v1 (MSM)',
    explain: "Original METASPACE scoring, imzlens' default: MSM = spectral × spatial × chaos ranks the ions.",
    models: [] as readonly ModelChoice[],
    defaultModel: undefined as string | undefined,
  },
  {
    version: 3,
    id: 'msm-v3',
    label: 'METASPACE-ML (v3)',
    short: 'METASPACE-ML (v3)',
    explain: "METASPACE's current default: a CatBoost model (METASPACE-ML) scores each ion from its metrics. Animal: animal, bacterial and fungal samples; Plant: plant samples.",
    models: ML_CHOICES,
    // METASPACE's default model
    defaultModel: 'animal' as string | undefined,
  },
] as const;

/** The analysis versions this build can run: 1 (MSM) and 3 (METASPACE-ML). */
export type AnalysisVersion = (typeof VERSIONS)[number]['version'];

export interface AnalysisVersionInfo {
  version: AnalysisVersion;
  id: string;
  /** Full name (exports, tooltips). */
  label: string;
  /** Name for a select and a result label. */
  short: string;
  /** One line: what it is and when to use it. */
  explain: string;
  /** Models to choose from (empty: none). */
  models: readonly ModelChoice[];
  defaultModel?: string;
}

/** Every available version with its label and model choices, in registry order (for a form's options). */
export const ANALYSIS_VERSIONS: readonly AnalysisVersionInfo[] = VERSIONS;

/** The version new jobs use. */
export const DEFAULT_ANALYSIS_VERSION: AnalysisVersion = 1;

export class UnknownAnalysisVersionError extends Error {
  override name = 'UnknownAnalysisVersionError';
}

export function isAnalysisVersion(v: unknown): v is AnalysisVersion {
  return VERSIONS.some((m) => m.version === v);
}

export function unknownVersion(v: unknown): UnknownAnalysisVersionError {
  const known = ANALYSIS_VERSIONS.map((a) => `${a.version} (${a.id})`).join(', ');
  return new UnknownAnalysisVersionError(`unknown analysis version ${JSON.stringify(v)}: this build has ${known}`);
}

/** The model choices of a version (empty when it has none or is unknown). */
export function modelChoices(version: number): readonly ModelChoice[] {
  return VERSIONS.find((x) => x.version === version)?.models ?? [];
}

/**
 * Why `model` is not a valid choice for `version`, or null when it is. A version without choices ignores the
 * model (v1 jobs may carry any value, e.g. from a form that switched back to v1); absent = the default.
 */
export function modelProblem(version: number, model: unknown): string | null {
  const choices = modelChoices(version);
  if (choices.length === 0 || model === undefined) return null;
  if (choices.some((c) => c.id === model)) return null;
  return `scoringModel ${JSON.stringify(model)} is not a model of analysis version ${version} (choose ${choices.map((c) => c.id).join(' or ')})`;
}

/** The model a job of `version` runs: `model` if the version has choices (default when absent), else none. */
export function effectiveModel(version: number, model?: string): string | undefined {
  const v = VERSIONS.find((x) => x.version === version);
  if (!v || v.models.length === 0) return undefined;
  return model ?? v.defaultModel;
}

/** Short human name of what scored a job, e.g. "v1 (MSM)" or "METASPACE-ML (v3) Animal". */
export function scoringLabel(version: number, model?: string): string {
  const v = VERSIONS.find((x) => x.version === version);
  if (!v) return `analysis_version ${version}`;
  const m = effectiveModel(version, model);
  const choice = v.models.find((c) => c.id === m);
  return choice ? `${v.short} ${choice.label}` : v.short;
}

/**
 * The model id a name stands for, among the choices of `version`: imzlens' id ("animal"), METASPACE's model name
 * ("METASPACE-ML_Animal", as its API's scoringModel takes it) or the .cbm file's name ("v2.2023-12-14_(METASPACE-ML_Animal)"),
 * any case; null when none matches.
 */
export function modelFromName(version: number, name: string): string | null {
  const n = name.trim().toLowerCase();
  for (const c of modelChoices(version)) {
    const names = [c.id, c.name, `${c.name} ${c.version}`, `${c.version}_(${c.name})`, `${c.version}_(${c.name}).cbm`].map((x) => x.toLowerCase());
    if (names.includes(n)) return c.id;
  }
  return null;
}
