// The METASPACE-ML models imzlens ships, as data only (names, versions, when to use them): what forms, labels, CSV
// and bundle checks need, without the loaders of metaspace-ml.ts (whose dynamic imports would put the model data
// into every bundle that imports them).
export type MetaspaceMlKind = 'animal' | 'plant';

export interface MetaspaceMlModelInfo {
  kind: MetaspaceMlKind;
  /** METASPACE's model name and version, as its scoring_model table has them. */
  name: string;
  version: string;
  /** When to use it (the scoring-models README). */
  use: string;
}

export const METASPACE_ML_MODELS: readonly MetaspaceMlModelInfo[] = [
  { kind: 'animal', name: 'METASPACE-ML_Animal', version: 'v2.2023-12-14', use: 'animal samples, and any kingdom other than plants (bacteria, fungi)' },
  { kind: 'plant', name: 'METASPACE-ML_Plant', version: 'v2.2023-12-14', use: 'plant samples' },
];

