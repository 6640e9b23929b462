// Isotope centroids exactly as METASPACE analysis_version ≥ 2 computes them (sm/engine/annotation/isocalc_wrapper.py):
// cpyMSpec 0.4.2 isotopePattern (isotopes-v3.ts) → addCharge → InstrumentModel(instrument, RP = 200 / FWHM,
// at_mz = 200) → ims-cpp @d8ba14b `Spectrum::envelopeCentroids` → ×100 → the engine's _trim (4 most intense,
// re-sorted by m/z).
//
// What differs from v1 (centroids.ts, ims-cpp @3615e6e):
//  - the fine pattern (IsoSpec-style enumeration, relative threshold 1e-4);
//  - σ per peak follows the instrument: RP(m) = RP₂₀₀ (TOF), RP₂₀₀·√(200/m) (Orbitrap), RP₂₀₀·200/m (FTICR),
//    σ(m) = m / RP(m) / 2.35482; v1 is a TOF model with RP = m(top peak) / FWHM;
//  - the envelope reaches ±6σ (v1: ±12σ) and uses ims-cpp's tabulated exp (table step 4e-3 on [−18, 0],
//    second-order Taylor correction; 0 below −18) instead of exp;
// the sampling grid, local-maximum test, centroid rule, normalisation and 1e-4 cut are v1's.
//
// Work is saved only where it cannot change a result: between isotope clusters the generator is "empty" (every
// sample is 0, σ and the step stay fixed), so once the 7 samples awaiting their local-maximum test are 0 the grid
// jumps to 3 steps before the next peak's reach, with an exact emulation of the repeated `mz += step`
// (fastForward, shared with v1); zero samples carry no weight in a centroid and cannot be maxima. The table path
// (the engine keeps 4 peaks) also skips samples that cannot reach the 4 largest centroids (Pruner below).
import type { CentroidTable } from '../types.ts';
import { ELECTRON_MASS } from './elements.ts';
import { IsotopeError } from './isotopes.ts';
import { isotopePatternV3 } from './isotopes-v3.ts';
import { SIGMA_TO_FWHM as SIGMA_TO_FWHM_SHARED, N_PEAKS, roundSigma, fastForward, ringCentroid, finePatternOf, type CentroidTableResult, type IonCentroids } from './centroids.ts';

export type Instrument = 'TOF' | 'Orbitrap' | 'FTICR';
export const INSTRUMENTS: readonly Instrument[] = ['TOF', 'Orbitrap', 'FTICR'];
/** isocalc_wrapper.py: `isotope_generation.get('instrument', 'TOF')`. */
export const DEFAULT_INSTRUMENT: Instrument = 'TOF';
/** isocalc_wrapper.py BASE_MZ: the m/z at which the resolving power is given. */
export const BASE_MZ = 200;
/** Bump when anything that changes v3 centroid values changes (cache keys include it). */
export const CENTROID_ALGORITHM_VERSION_V3 = 'msv3-cpymspec0.4.2-r1';

/** A module-local copy: read once per grid sample, and an imported binding can be a getter (CommonJS transforms). */
const SIGMA_TO_FWHM = SIGMA_TO_FWHM_SHARED;
const WIDTH = 6;
const POINTS_PER_FWHM = 25;
const BINS = 15;
const CENTER = 7;
const MIN_ABUNDANCE = 1e-4;

export function isInstrument(x: unknown): x is Instrument {
  return x === 'TOF' || x === 'Orbitrap' || x === 'FTICR';
}

/** The instrument named `name` in any letter case (the engine lower-cases it for cpyMSpec), else null. */
export function instrumentFromName(name: string): Instrument | null {
  const l = name.toLowerCase();
  return INSTRUMENTS.find((i) => i.toLowerCase() === l) ?? null;
}

// ---------------------------------------------------------------------------------------------
// ims-cpp's ExpTable: exp tabulated from −18 by repeated += 4e-3 while ≤ 0.

const EXP_STEP = 4e-3;
const EXP_MIN = -18;
const expTable: Float64Array = (() => {
  const t: number[] = [];
  for (let x = EXP_MIN; x <= 0; x += EXP_STEP) t.push(Math.exp(x));
  return Float64Array.from(t);
})();
const EXP_LAST = expTable.length - 1;

function fastExp(x: number): number {
  if (EXP_MIN > x) return 0;
  let idx = Math.floor((x - EXP_MIN) / EXP_STEP);
  if (idx > EXP_LAST) idx = EXP_LAST; // x = 0 exactly can land one past the table in the original (undefined there)
  const diff = x - (EXP_MIN + idx * EXP_STEP);
  return expTable[idx]! * (1 + diff * (1 + diff / 2.0));
}

/** σ of the Gaussian profile at `mass` (ims-cpp calculateSigmaAt with the engine's instrument model). */
export function sigmaAt(mass: number, instrument: Instrument, rp200: number): number {
  let rp: number;
  if (instrument === 'Orbitrap') rp = rp200 * Math.sqrt(BASE_MZ / mass);
  else if (instrument === 'FTICR') rp = (rp200 * BASE_MZ) / mass;
  else rp = rp200;
  if (rp <= 0) return NaN;
  const fwhm = mass / rp;
  return fwhm / SIGMA_TO_FWHM;
}

// ---------------------------------------------------------------------------------------------
// Envelope centroiding (ims-cpp Spectrum::envelopeCentroids + EnvelopeGenerator @d8ba14b).

const mzw = new Float64Array(BINS);
const inw = new Float64Array(BINS);
/** ringCentroid's output: m/z, intensity. */
const ringOut = new Float64Array(2);

interface Centroids {
  mzs: number[];
  ints: number[];
}

/** Centroids of a pattern (masses ascending, n > 1), unnormalised, in the order they are found. */
function envelopeCentroids(P: Float64Array, I: Float64Array, instrument: Instrument, rp200: number, topN = 0): Centroids {
  const n = P.length;
  const minMz = P[0]!;
  const maxMz = P[n - 1]!;
  const prune = topN > 0 ? new Pruner(P, I, sigmaAt(maxMz, instrument, rp200), topN) : null;
  // EnvelopeGenerator state
  let peakIndex = 0;
  let empty = false;
  let gSigma = sigmaAt(P[0]!, instrument, rp200);
  const gen = (mz: number): number => {
    if (mz > P[peakIndex]! + WIDTH * gSigma) empty = true;
    if (empty && peakIndex + 1 < n && mz >= P[peakIndex + 1]! - WIDTH * gSigma) {
      empty = false;
      peakIndex++;
      gSigma = sigmaAt(P[peakIndex]!, instrument, rp200);
    }
    if (empty) return 0;
    if (prune !== null && !prune.relevant(mz)) return 0;
    let result = 0;
    let k = peakIndex;
    const w = WIDTH * gSigma;
    while (k > 0 && mz - P[k - 1]! < w) --k;
    while (k < n && P[k]! - mz <= w) {
      const sd = (P[k]! - mz) / gSigma;
      result += I[k]! * fastExp(-0.5 * (sd * sd));
      ++k;
    }
    return result;
  };

  let sigma = gSigma;
  let step = (sigma * SIGMA_TO_FWHM) / POINTS_PER_FWHM;
  let nSteps = 0;
  let center = CENTER;
  let lastIdx = BINS - 1;
  mzw[center] = minMz - WIDTH * sigma;
  for (let j = 0; j < BINS; j++) {
    mzw[j] = mzw[CENTER]! + (j - CENTER) * step;
    inw[j] = gen(mzw[j]!);
    nSteps++;
  }
  const out: Centroids = { mzs: [], ints: [] };
  let zeroRun = 0;
  for (;;) {
    if (empty && zeroRun >= CENTER) {
      // Every sample until the next peak comes within 6σ is 0 and leaves the generator unchanged.
      let target = peakIndex + 1 < n ? P[peakIndex + 1]! - WIDTH * gSigma : Infinity;
      const end = maxMz + WIDTH * sigma;
      if (end < target) target = end;
      const x = mzw[lastIdx]!;
      const skip = Math.floor((target - x) / step) - 3;
      if (skip > 0) {
        mzw[lastIdx] = fastForward(x, step, skip);
        nSteps += skip;
        inw.fill(0);
      }
    }
    center = center === BINS - 1 ? 0 : center + 1;
    const nextMz = mzw[lastIdx]! + step;
    if (nextMz > maxMz + WIDTH * sigma) break;
    lastIdx = lastIdx === BINS - 1 ? 0 : lastIdx + 1;
    mzw[lastIdx] = nextMz;
    const v = gen(nextMz);
    inw[lastIdx] = v;
    zeroRun = v === 0 ? zeroRun + 1 : 0;
    sigma = gSigma;
    step = (sigma * SIGMA_TO_FWHM) / POINTS_PER_FWHM;
    nSteps++;
    if (nSteps > 100000000) throw new IsotopeError('error in envelopeCentroids calculation');
    const c = inw[center]!;
    if (!(inw[center === 0 ? BINS - 1 : center - 1]! < c && c >= inw[center === BINS - 1 ? 0 : center + 1]!)) continue;
    if (c < MIN_ABUNDANCE) continue;
    ringCentroid(mzw, inw, lastIdx, ringOut);
    const max = ringOut[1]!;
    out.mzs.push(ringOut[0]!);
    out.ints.push(max);
    prune?.found(max);
  }
  return out;
}

/**
 * Which grid samples the top `topN` centroids can depend on (the table path needs only the engine's 4 peaks).
 * θ is a lower bound of the topN-th largest centroid: at first max(1e-4, 0.99 × the topN-th largest top peak of
 * groups of peaks too far apart (> 13 σmax) to share a sample — each such group has a local maximum at least that
 * high), then raised by the centroids found so far. A sample is evaluated only within r_k + 0.8 σmax of some peak
 * k, r_k = σmax·√(2 ln(2·I_k·n / θ)): outside every r_k each of the ≤ n terms is < θ/(2n) (σ ≤ σmax, ims-cpp's
 * tabulated exp ≤ exp), so the envelope is < θ there; 0.8 σmax ≥ 8 grid steps covers the 15-sample centroid window
 * and the maximum test of every sample ≥ θ. Samples left at 0 can only create or alter maxima below θ, which the
 * topN (and the 1e-4 cut) never take. Intervals are recomputed when θ has doubled since (a stale θ is smaller:
 * a superset).
 */
class Pruner {
  private theta: number;
  private builtFor = 0;
  private lo: number[] = [];
  private hi: number[] = [];
  private pos = 0;
  private readonly best: number[] = [];

  constructor(
    private readonly P: Float64Array,
    private readonly I: Float64Array,
    private readonly sigmaMax: number,
    private readonly topN: number,
  ) {
    const tops: number[] = [];
    let top = I[0]!;
    for (let k = 1; k < P.length; k++) {
      if (P[k]! - P[k - 1]! > 13 * sigmaMax) {
        tops.push(top);
        top = 0;
      }
      if (I[k]! > top) top = I[k]!;
    }
    tops.push(top);
    tops.sort((a, b) => b - a);
    this.theta = tops.length >= topN ? Math.max(MIN_ABUNDANCE, 0.99 * tops[topN - 1]!) : MIN_ABUNDANCE;
    this.build();
  }

  private build(): void {
    const { P, I, sigmaMax } = this;
    const n = P.length;
    const iv: [number, number][] = [];
    const margin = 0.8 * sigmaMax;
    for (let k = 0; k < n; k++) {
      const a = (2 * I[k]! * n) / this.theta;
      if (!(a > 1)) continue;
      const r = sigmaMax * Math.sqrt(2 * Math.log(a)) + margin;
      iv.push([P[k]! - r, P[k]! + r]);
    }
    iv.sort((x, y) => x[0] - y[0]);
    const lo: number[] = [];
    const hi: number[] = [];
    for (const [l, h] of iv) {
      if (lo.length > 0 && l <= hi[hi.length - 1]!) {
        if (h > hi[hi.length - 1]!) hi[hi.length - 1] = h;
      } else {
        lo.push(l);
        hi.push(h);
      }
    }
    this.lo = lo;
    this.hi = hi;
    this.pos = 0;
    this.builtFor = this.theta;
  }

  /** Samples come in ascending m/z. */
  relevant(mz: number): boolean {
    while (this.pos < this.lo.length && this.hi[this.pos]! < mz) this.pos++;
    return this.pos < this.lo.length && this.lo[this.pos]! <= mz;
  }

  found(v: number): void {
    const b = this.best;
    let i = b.length;
    b.push(v);
    while (i > 0 && b[i - 1]! < v) {
      b[i] = b[i - 1]!;
      i--;
    }
    b[i] = v;
    if (b.length > this.topN) b.pop();
    if (b.length === this.topN && b[this.topN - 1]! > this.theta) {
      this.theta = b[this.topN - 1]!;
      if (this.theta >= 2 * this.builtFor) this.build();
    }
  }
}

/** What cpyMSpec 0.4.2 returns: centroids sorted by decreasing intensity, top = 1, those < 1e-4 dropped. */
export interface V3Centroids {
  mzs: Float64Array;
  ints: Float64Array;
  /** Peaks of the fine pattern. */
  nFine: number;
}

/**
 * cpyMSpec 0.4.2: isotopePattern(ion) → addCharge(charge) → centroids(InstrumentModel(instrument, 200 / (σ·2.35482),
 * at_mz = 200)). `sigma` is used as given (callers round it like METASPACE, see roundSigma). Throws IsotopeError.
 * With `topN` > 0 only the topN most intense centroids are guaranteed (exact; the rest may be missing): the table path.
 */
export function cpyMSpecCentroids(ionFormula: string, charge: 1 | -1, sigma: number, instrument: Instrument, topN = 0): V3Centroids {
  const fine = finePatternOf(ionFormula, isotopePatternV3);
  const n = fine.n;
  const shift = charge * ELECTRON_MASS;
  for (let i = 0; i < n; i++) fine.masses[i] = fine.masses[i]! - shift;
  if (n <= 1) return { mzs: fine.masses, ints: fine.ints, nFine: n };
  // EnvelopeGenerator works on the pattern sorted by mass.
  const P = new Float64Array(n);
  const I = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    // insertion by mass (n is ~40 on average); masses of distinct configurations never tie
    const m = fine.masses[i]!;
    const v = fine.ints[i]!;
    let k = i;
    while (k > 0 && P[k - 1]! > m) {
      P[k] = P[k - 1]!;
      I[k] = I[k - 1]!;
      k--;
    }
    P[k] = m;
    I[k] = v;
  }
  const rp200 = BASE_MZ / (sigma * SIGMA_TO_FWHM);
  const c = envelopeCentroids(P, I, instrument, rp200, topN);
  if (c.mzs.length === 0) {
    throw new IsotopeError(`ion "${ionFormula}": the centroided pattern contains no peaks (sigma ${sigma} too large?)`);
  }
  const byInt = Array.from({ length: c.mzs.length }, (_, i) => i);
  byInt.sort((a, b) => c.ints[b]! - c.ints[a]!);
  const top = c.ints[byInt[0]!]!;
  const mzs: number[] = [];
  const ints: number[] = [];
  for (const i of byInt) {
    const v = top > 0 ? c.ints[i]! / top : c.ints[i]!;
    if (v >= MIN_ABUNDANCE) {
      mzs.push(c.mzs[i]!);
      ints.push(v);
    }
  }
  return { mzs: Float64Array.from(mzs), ints: Float64Array.from(ints), nFine: n };
}

/** The engine's ×100 and _trim: the N_PEAKS most intense, re-sorted by m/z, zero-padded, into out at offset o. */
function trimInto(c: V3Centroids, outM: Float64Array, outI: Float64Array, o: number): number {
  // c is sorted by decreasing intensity already.
  const k = Math.min(N_PEAKS, c.mzs.length);
  const kept = Array.from({ length: k }, (_, i) => i);
  kept.sort((a, b) => c.mzs[a]! - c.mzs[b]!);
  for (let j = 0; j < N_PEAKS; j++) {
    outM[o + j] = j < k ? c.mzs[kept[j]!]! : 0;
    outI[o + j] = j < k ? 100 * c.ints[kept[j]!]! : 0;
  }
  return k;
}

/** Centroids of one ion formula (analysis_version 3 semantics). Throws IsotopeError. */
export function ionCentroidsV3(ionFormula: string, charge: 1 | -1, sigma: number, instrument: Instrument): IonCentroids {
  const mzs = new Float64Array(N_PEAKS);
  const ints = new Float64Array(N_PEAKS);
  const nPeaks = trimInto(cpyMSpecCentroids(ionFormula, charge, roundSigma(sigma), instrument, N_PEAKS), mzs, ints, 0);
  return { mzs, ints, nPeaks };
}

/** Centroid table of many ion formulas (analysis_version 3); failures give nPeaks 0 and a message. */
export function computeCentroidTableV3(ionFormulas: readonly string[], charge: 1 | -1, sigma: number, instrument: Instrument): CentroidTableResult {
  const s = roundSigma(sigma);
  const n = ionFormulas.length;
  const mzs = new Float64Array(n * N_PEAKS);
  const ints = new Float64Array(n * N_PEAKS);
  const nPeaks = new Uint8Array(n);
  const errors: (string | null)[] = new Array<string | null>(n).fill(null);
  for (let i = 0; i < n; i++) {
    try {
      nPeaks[i] = trimInto(cpyMSpecCentroids(ionFormulas[i]!, charge, s, instrument, N_PEAKS), mzs, ints, i * N_PEAKS);
    } catch (e) {
      if (!(e instanceof IsotopeError)) throw e;
      nPeaks[i] = 0;
      for (let j = 0; j < N_PEAKS; j++) {
        mzs[i * N_PEAKS + j] = 0;
        ints[i * N_PEAKS + j] = 0;
      }
      errors[i] = e.message;
    }
  }
  const table: CentroidTable = { n, mzs, ints, nPeaks };
  return { table, errors };
}
