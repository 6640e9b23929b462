// Which isotope-pattern calculator a METASPACE analysis_version uses (sm/engine/annotation/isocalc_wrapper.py):
// analysis_version < 2 → cpyMSpec 0.3.5 with a TOF model at RP = m(top peak) / FWHM (centroids.ts, the instrument
// is ignored: the engine builds `InstrumentModel('tof', …)` without reading it); ≥ 2 → cpyMSpec 0.4.2 with the
// instrument model of `isotope_generation.instrument` at RP = 200 / FWHM "at_mz" 200 (centroids-v3.ts).
// The cache/algorithm key names both, so a table of one calculator (or instrument) is never used for another.
import { CENTROID_ALGORITHM_VERSION, computeCentroidTable, type CentroidTableResult } from './centroids.ts';
import { CENTROID_ALGORITHM_VERSION_V3, DEFAULT_INSTRUMENT, INSTRUMENTS, computeCentroidTableV3, isInstrument, type Instrument } from './centroids-v3.ts';

export type { Instrument };

/** The isotope-pattern inputs beyond (ions, charge, sigma). */
export interface IsotopeModel {
  /** METASPACE analysis_version (default 1). */
  analysisVersion?: number;
  /** Analyzer for analysis_version ≥ 2 (default TOF, as isocalc_wrapper.py); ignored by version 1. */
  instrument?: Instrument;
}

/** True when the version computes patterns with cpyMSpec 0.4.2 and an instrument model. */
export function usesInstrumentModel(analysisVersion = 1): boolean {
  return analysisVersion >= 2;
}

function instrumentOf(m: IsotopeModel): Instrument {
  const ins = m.instrument ?? DEFAULT_INSTRUMENT;
  if (!isInstrument(ins)) throw new Error(`instrument ${JSON.stringify(ins)} is not known (use ${INSTRUMENTS.join(', ')})`);
  return ins;
}

/** Algorithm id of a model, part of every centroid cache key (v1's id is unchanged, so shipped v1 tables still match). */
export function centroidAlgorithm(m: IsotopeModel = {}): string {
  if (!usesInstrumentModel(m.analysisVersion)) return CENTROID_ALGORITHM_VERSION;
  return `${CENTROID_ALGORITHM_VERSION_V3}-${instrumentOf(m)}`;
}

/** Centroids of many ion formulas under the model (synchronous; see computeCentroidTable for the v1 cache form). */
export function computeCentroidTableFor(ionFormulas: readonly string[], charge: 1 | -1, sigma: number, m: IsotopeModel = {}): CentroidTableResult {
  if (!usesInstrumentModel(m.analysisVersion)) return computeCentroidTable(ionFormulas, charge, sigma);
  return computeCentroidTableV3(ionFormulas, charge, sigma, instrumentOf(m));
}
