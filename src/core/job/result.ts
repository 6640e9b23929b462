// The result model of an annotation job: what the table, viewer, CSV export and result bundle show.
// One object per annotation row is fine here (hundreds to thousands of rows, never per peak).
import type { AnalysisVersion } from '../score/models/versions.ts';
import type { Instrument } from '../chem/centroid-model.ts';

export type { AnalysisVersion };

export interface JobParams {
  /** Molecular database ids/names used, in order. */
  databases: string[];
  adducts: string[];
  neutralLosses: string[];
  chemMods: string[];
  polarity: '+' | '-';
  /** isocalc_sigma (Da), v1 instrument model. */
  sigma: number;
  ppm: number;
  /** Decoy sample size (1–80, METASPACE default 20). */
  decoys: number;
  /** METASPACE analysis_version: picks the scoring model and FDR method (score/models/index.ts), the isotope
   *  patterns (chem/centroid-model.ts: ≥ 2 → cpyMSpec 0.4.2) and the decoy rule (chem/decoys.ts: ≥ 3 → v3). */
  analysisVersion: AnalysisVersion;
  /**
   * The scoring model of versions that offer a choice (v3: METASPACE-ML 'animal' | 'plant'; absent = its default,
   * 'animal'). Versions without a choice (v1) ignore it.
   */
  scoringModel?: string;
  /** METASPACE `isotope_generation.instrument`: the analyzer whose resolving power model shapes the isotope
   *  patterns of analysis_version ≥ 2. Absent = 'TOF' (the engine's isocalc_wrapper default; METASPACE's upload
   *  derives it from the metadata's Analyzer, unknown → Orbitrap). Version 1 ignores it (its engine code builds a
   *  TOF model without reading it). */
  instrument?: Instrument;
}

export interface AnnotationRow {
  /** Molecular formula as in the database. */
  formula: string;
  chemMod: string;
  neutralLoss: string;
  adduct: string;
  /** Canonical ion formula (CHNOPS order), e.g. C6H13O6 for C6H12O6+H. */
  ionFormula: string;
  /** METASPACE ion string, e.g. C6H12O6+H+. */
  ion: string;
  /** Theoretical m/z of isotope peak 0 (the centroid METASPACE images first). */
  mz: number;
  msm: number;
  /** Digitised FDR level: 0.05, 0.1, 0.2, 0.5 or 1. */
  fdr: number;
  /** Continuous monotone FDR (extra column, not METASPACE's). */
  fdrRaw: number;
  chaos: number;
  spatial: number;
  spectral: number;
  mzErrAbs: number;
  mzErrRel: number;
  /** Database name this row comes from. */
  database: string;
  moleculeIds: string[];
  moleculeNames: string[];
  /** Theoretical centroids: 4 slots, m/z-sorted, intensities max 100, zero padded. */
  centroidMzs: number[];
  centroidInts: number[];
  /** Observed per-isotope image totals / max / non-zero pixels. */
  totalInt: number[];
  maxInt: number[];
  nPx: number[];
}

export interface StageStat {
  stage: string;
  wallMs: number;
  /** Items processed in the stage (ions, tasks, bytes…) with a unit. */
  items?: number;
  unit?: string;
}

export interface JobResult {
  version: 1;
  datasetId: string;
  datasetName: string;
  params: JobParams;
  createdAt: string;
  rows: AnnotationRow[];
  stats: {
    stages: StageStat[];
    ionFormulas: number;
    targets: number;
    decoys: number;
    scored: number;
    annotatedAt10: number;
    executor: string;
    workers: number;
  };
}
