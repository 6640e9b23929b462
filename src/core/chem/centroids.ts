// Isotope centroids exactly as METASPACE analysis_version 1 computes them (spec §4):
// cpyMSpec 0.3.5 isotopePattern → addCharge → TOF instrument with RP = m(top peak) / FWHM →
// ims-cpp `Spectrum::envelopeCentroids` (3615e6e) → ×100 → 4 most intense, re-sorted by m/z.
import type { CentroidTable } from '../types.ts';
import { ELECTRON_MASS } from './elements.ts';
import { FormulaError, parseFormula } from './formula.ts';
import { IsotopeError, isotopePattern, type FinePattern } from './isotopes.ts';
import type { CentroidCache } from './centroid-cache.ts';
import { centroidCacheKey } from './centroid-cache.ts';

export { IsotopeError } from './isotopes.ts';

/** 2·sqrt(2·ln 2), the constant used by both METASPACE and ims-cpp. */
export const SIGMA_TO_FWHM = 2.3548200450309493;
export const N_PEAKS = 4;
/** Bump when anything that changes centroid values changes (cache keys include it). */
export const CENTROID_ALGORITHM_VERSION = 'msv1-cpymspec0.3.5-r1';

const WIDTH = 12; // envelope cut-off in σ
const POINTS_PER_FWHM = 25;
const BINS = 15; // centroiding window
const CENTER = 7; // BINS / 2
const MIN_ABUNDANCE = 1e-4;
const N_PEAKS_CONST = 4;

/** METASPACE stores isocalc_sigma via float(f"{sigma:f}"), i.e. rounded to 6 decimals. */
export function roundSigma(sigma: number): number {
  if (!(sigma > 0) || !Number.isFinite(sigma)) {
    throw new IsotopeError(`isocalc sigma must be a positive number, got ${sigma}`);
  }
  const r = Number(sigma.toFixed(6));
  if (!(r > 0)) throw new IsotopeError(`isocalc sigma ${sigma} rounds to 0 at 6 decimals; use at least 0.000001`);
  return r;
}

// ---------------------------------------------------------------------------------------------
// Exact fast-forward of repeated floating-point addition.
// The original walks its sampling grid with `mz += step`; in empty regions we need the value after
// m such additions without doing them one by one. Inside one binade [2^e, 2^(e+1)) every addition
// of the same positive step adds the same rounded increment round(step / ulp) · ulp, unless the step
// is an exact half-ulp tie (then we fall back to single steps), so m additions can be done at once.

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0; // high word index (endianness)

/** ulp of a positive normal double: 2^(exponent − 52), read from the bits. */
function ulpOf(x: number): number {
  f64[0] = x;
  const e = (u32[HI]! >>> 20) & 0x7ff; // biased exponent
  // 2^(e−1023−52) as a double: biased exponent e − 52, zero mantissa (e > 52 for any m/z here).
  u32[HI] = (e - 52) << 20;
  u32[1 - HI] = 0;
  return f64[0]!;
}

/** x after m repeated floating-point additions `x = x + step` (positive x and step), exactly. Shared with centroids-v3.ts. */
export function fastForward(x: number, step: number, m: number): number {
  while (m > 0) {
    const u = ulpOf(x);
    const q = step / u; // exact (power-of-two scaling)
    const fl = Math.floor(q);
    if (q - fl === 0.5) {
      x = x + step;
      m--;
      continue;
    }
    const inc = (q - fl < 0.5 ? fl : fl + 1) * u;
    const top = u * 2 ** 53; // start of the next binade
    // Stay strictly inside the binade, with one increment of margin.
    let room = Math.floor((top - x) / inc) - 1;
    if (room <= 0) {
      x = x + step;
      m--;
      continue;
    }
    if (room > m) room = m;
    x = x + room * inc;
    m -= room;
  }
  return x;
}

// ---------------------------------------------------------------------------------------------
// Envelope centroiding (ims-cpp Spectrum::envelopeCentroids + EnvelopeGenerator, TOF profile).

// Pattern sorted by mass, and the centroid output, as module scratch (single-threaded per worker).
let pm = new Float64Array(256);
let pint = new Float64Array(256);
let cm = new Float64Array(64);
let ci = new Float64Array(64);

function growPattern(n: number): void {
  if (pm.length >= n) return;
  let s = pm.length;
  while (s < n) s *= 2;
  pm = new Float64Array(s);
  pint = new Float64Array(s);
  termT = new Float64Array(s);
  termR = new Float64Array(s);
  clusterOf = new Int32Array(s);
  clusterEnd = new Int32Array(s);
  clusterBound = new Float64Array(s);
  ivLo = new Float64Array(s);
  ivHi = new Float64Array(s);
}

function pushCentroid(count: number, m: number, i: number): void {
  if (count >= cm.length) {
    const nm = new Float64Array(cm.length * 2);
    const ni = new Float64Array(cm.length * 2);
    nm.set(cm);
    ni.set(ci);
    cm = nm;
    ci = ni;
  }
  cm[count] = m;
  ci[count] = i;
}

let termT = new Float64Array(256);
let termR = new Float64Array(256);
let clusterOf = new Int32Array(256);
let clusterEnd = new Int32Array(256); // per group: one past its last peak
let clusterBound = new Float64Array(256); // per group: Σ intensities (≥ any envelope value there)
let ivLo = new Float64Array(256); // relevant m/z intervals of the current group
let ivHi = new Float64Array(256);

/** Recurrences are recomputed from scratch at least this often (bounds rounding drift). */
const RESTART = 48;
/** Envelope terms beyond CUT·σ are left out: each is < I·exp(−32) ≈ 1.3e-14·I, i.e. < 1e-9 relative to
 *  the smallest centroid that can be reported (1e-4 of the top), far inside the 1e-4 tolerance, and
 *  too small to flip a local-maximum test of a sample ≥ 1e-4. ims-cpp sums out to 12σ. */
const CUT = 8;
/** Margin (in σ) added around relevant regions: ≥ the 7+1 samples (0.75σ) a centroid window reaches. */
const MARGIN = 0.8;

const mzw = new Float64Array(BINS);
const inw = new Float64Array(BINS);
const linM = new Float64Array(BINS);
const linI = new Float64Array(BINS);
const best = new Float64Array(N_PEAKS_CONST);

/**
 * Splits the n mass-sorted peaks into groups whose ±12σ envelopes cannot touch each other (σ at most that of
 * the last peak): fills clusterOf, clusterEnd (one past each group's last peak) and clusterBound (Σ intensities
 * per group). Returns the number of groups.
 */
function groupPeaks(n: number, rp: number): number {
  const P = pm;
  const I = pint;
  const gapLimit = 24.5 * (P[n - 1]! / rp / SIGMA_TO_FWHM);
  let nGroups = 0;
  clusterOf[0] = 0;
  clusterBound[0] = I[0]!;
  for (let k = 1; k < n; k++) {
    if (P[k]! - P[k - 1]! > gapLimit) {
      clusterEnd[nGroups] = k;
      nGroups++;
      clusterBound[nGroups] = 0;
    }
    clusterOf[k] = nGroups;
    clusterBound[nGroups] = clusterBound[nGroups]! + I[k]!;
  }
  clusterEnd[nGroups] = n;
  return nGroups + 1;
}

/**
 * Lower bound of the 4th largest centroid before sampling: every group has a maximum at least as high as the
 * sample nearest its strongest peak, ≥ I_top·exp(−½(q/2)²) with q = step/σ ≈ 0.094 (factor 0.9989; 0.99 used),
 * and different groups give different maxima. Uses `best` as scratch.
 */
function initialTheta(nGroups: number): number {
  const I = pint;
  let theta0 = MIN_ABUNDANCE;
  if (nGroups >= N_PEAKS_CONST) {
    for (let t = 0; t < N_PEAKS_CONST; t++) best[t] = 0;
    for (let g = 0, k = 0; g < nGroups; g++) {
      let top = 0;
      for (const e = clusterEnd[g]!; k < e; k++) if (I[k]! > top) top = I[k]!;
      let pos = N_PEAKS_CONST;
      while (pos > 0 && best[pos - 1]! < top) pos--;
      if (pos < N_PEAKS_CONST) {
        for (let t = N_PEAKS_CONST - 1; t > pos; t--) best[t] = best[t - 1]!;
        best[pos] = top;
      }
    }
    const lb = 0.99 * best[N_PEAKS_CONST - 1]!;
    if (lb > theta0) theta0 = lb;
  }
  return theta0;
}

/**
 * The relevant m/z intervals of peak group g for threshold θ, merged and ascending, into ivLo/ivHi; returns
 * their count (0 when the whole group stays below θ).
 */
function relevantIntervals(g: number, theta: number, rp: number): number {
  const P = pm;
  const I = pint;
  let nIv = 0;
  const bound = clusterBound[g]!;
  if (!(bound >= theta)) return 0;
  const k0 = g === 0 ? 0 : clusterEnd[g - 1]!;
  const k1 = clusterEnd[g]!;
  const nk = k1 - k0;
  const sigC = P[k1 - 1]! / rp / SIGMA_TO_FWHM; // largest σ the generator uses in this group
  const firstP = P[k0]!;
  const lastP = P[k1 - 1]!;
  for (let k = k0; k < k1; k++) {
    // Term k is kept below θ·w_k with Σ w_k = 1, w_k = ½(1/N + I_k/ΣI): then E < θ outside.
    const wk = 0.5 * (1 / nk + I[k]! / bound);
    const a = I[k]! / (theta * wk);
    if (!(a > 1)) continue;
    // Core: where E may reach θ (radius), but not left of the group's first peak nor right
    // of its last (minus/plus one step): there E is strictly monotone (every term rises on
    // the left, falls on the right), so no sample there can be a maximum.
    const rad = Math.sqrt(2 * Math.log(a)) * sigC;
    let l = P[k]! - rad;
    let h = P[k]! + rad;
    if (l < firstP - 0.1 * sigC) l = firstP - 0.1 * sigC;
    if (h > lastP + 0.1 * sigC) h = lastP + 0.1 * sigC;
    if (l > h) continue;
    // plus the margin that holds the 15-sample window and the neighbours of any maximum
    l -= MARGIN * sigC;
    h += MARGIN * sigC;
    while (nIv > 0 && l <= ivHi[nIv - 1]!) {
      nIv--;
      if (ivLo[nIv]! < l) l = ivLo[nIv]!;
      if (ivHi[nIv]! > h) h = ivHi[nIv]!;
    }
    ivLo[nIv] = l;
    ivHi[nIv] = h;
    nIv++;
  }
  return nIv;
}

/**
 * ims-cpp's centroid of the local maximum at the centre of a 15-sample ring (m/z `mzw`, intensity `inw`, newest
 * sample at `slot`; cpyMSpec 0.3.5 and 0.4.2 share it): the intensity-weighted m/z over the peak's samples goes to
 * out[0], its intensity (the largest sample) to out[1].
 */
export function ringCentroid(mzw: Float64Array, inw: Float64Array, slot: number, out: Float64Array): void {
  // Linearise the ring buffer, oldest sample first (centre lands on index 7).
  let src = slot === BINS - 1 ? 0 : slot + 1;
  for (let t = 0; t < BINS; t++) {
    linM[t] = mzw[src]!;
    linI[t] = inw[src]!;
    src = src === BINS - 1 ? 0 : src + 1;
  }
  let i = CENTER;
  while (i !== 0 && linI[i - 1]! < linI[i]!) i--;
  let mzSum = 0;
  let total = 0;
  let max = 0;
  for (; i < BINS; i++) {
    if (i > CENTER && i + 1 !== BINS && linI[i + 1]! > linI[i]!) break;
    mzSum += linM[i]! * linI[i]!;
    total += linI[i]!;
    if (linI[i]! > max) max = linI[i]!;
  }
  out[0] = mzSum / total;
  out[1] = max;
}

const ringOut = new Float64Array(2);

/** The centroid of the ring at `slot` (ringCentroid), stored as centroid number `count`; returns its intensity. */
function emitCentroid(slot: number, count: number): number {
  ringCentroid(mzw, inw, slot, ringOut);
  pushCentroid(count, ringOut[0]!, ringOut[1]!);
  return ringOut[1]!;
}

/** Keeps the N_PEAKS largest centroid intensities so far in `best` (descending; for θ). Returns the new count. */
function keepLargest(max: number, nBest: number): number {
  let pos = nBest < N_PEAKS_CONST ? nBest : N_PEAKS_CONST;
  while (pos > 0 && best[pos - 1]! < max) pos--;
  if (pos < N_PEAKS_CONST) {
    const e = nBest < N_PEAKS_CONST ? nBest : N_PEAKS_CONST - 1;
    for (let t = e; t > pos; t--) best[t] = best[t - 1]!;
    best[pos] = max;
    if (nBest < N_PEAKS_CONST) nBest++;
  }
  return nBest;
}

/**
 * Centroids of the (mass-sorted, in pm/pint) fine pattern of n > 1 peaks under a TOF profile with
 * resolving power rp. Writes into cm/ci and returns the count (before normalisation).
 *
 * The sampling grid (repeated `mz += step`), the generator's σ (which sets both the Gaussian width and
 * the step), the local-maximum test and the centroid rule are those of ims-cpp. Work is saved only
 * where it cannot change the 4 reported peaks:
 *  - a sample is evaluated only inside the "relevant" intervals of its peak group: within
 *    sqrt(2·ln(I_k·N/θ))·σ + MARGIN·σ of a peak k, θ = max(1e-4, 4th best centroid so far), N = peaks in
 *    the group. Outside them every term is < θ/N, so the envelope is < θ there: no maximum that could
 *    be reported (≥ 1e-4, and among the 4 largest) nor any sample of its 15-wide window lies outside,
 *    and such samples are set to 0;
 *  - runs of samples that are all 0 are jumped over up to the next generator event or relevant
 *    interval, with an exact emulation of the repeated additions (fastForward).
 */
function envelopeCentroids(n: number, rp: number): number {
  const P = pm;
  const I = pint;
  const T = termT;
  const R = termR;
  const minMz = P[0]!;
  const maxMz = P[n - 1]!;

  const nGroups = groupPeaks(n, rp);
  const theta0 = initialTheta(nGroups);
  let curGroup = -1;
  let nIv = 0;
  let ivPos = 0;
  for (let t = 0; t < N_PEAKS_CONST; t++) best[t] = 0;
  let nBest = 0; // accepted centroids so far; the N_PEAKS largest intensities in best[] (descending)

  // EnvelopeGenerator state (exactly as ims-cpp).
  let peakIndex = 0;
  let empty = false;
  let gSigma = minMz / rp / SIGMA_TO_FWHM;

  // Evaluation state.
  let lo = 0;
  let hi = 0;
  let segSigma = -1;
  let segLen = 0;
  let decaySigma = -1;
  let decay = 0;
  let q = 0;
  let halfQ2 = 0;

  const sigma0 = gSigma;
  const step0 = (sigma0 * SIGMA_TO_FWHM) / POINTS_PER_FWHM;
  const start = minMz - WIDTH * sigma0;
  let sigmaV = sigma0; // ims-cpp's `sigma` (updated after each loop sample, not during the first fill)
  let step = step0;
  let x = 0; // m/z of the latest sample
  let j = 0; // index of the next sample
  let slot = BINS - 1; // ring slot of the latest sample
  let zeroRun = 0;
  let holdUntil = -Infinity;
  let count = 0;

  for (;;) {
    if (j > BINS && zeroRun >= CENTER && x >= holdUntil) {
      // The 7 samples still waiting for their maximum test are 0, so none can be one: jump to just
      // before the next generator event or relevant interval. Every skipped sample would be 0 (so no
      // maximum) and leave the generator unchanged; older non-zero samples can only fall into the
      // windows of zero centres, so the ring is simply cleared.
      const w = WIDTH * gSigma;
      let target = empty ? (peakIndex + 1 < n ? P[peakIndex + 1]! - w : Infinity) : P[peakIndex]! + w;
      if (!empty && ivPos < nIv && ivLo[ivPos]! < target) target = ivLo[ivPos]!;
      const end = maxMz + WIDTH * sigmaV;
      if (end < target) target = end;
      const skip = Math.floor((target - x) / step) - 3;
      if (skip <= 0) holdUntil = target;
      else {
        x = fastForward(x, step, skip);
        j += skip;
        slot = (slot + skip) % BINS;
        inw.fill(0); // zero samples: their m/z positions carry no weight
        mzw[slot] = x;
      }
    }

    let mz: number;
    if (j < BINS) mz = j === CENTER ? start : start + (j - CENTER) * step0;
    else {
      mz = x + step;
      if (mz > maxMz + WIDTH * sigmaV) break;
    }

    // EnvelopeGenerator::operator()
    const w = WIDTH * gSigma;
    if (mz > P[peakIndex]! + w) empty = true;
    if (empty && peakIndex + 1 < n && mz >= P[peakIndex + 1]! - w) {
      empty = false;
      peakIndex++;
      gSigma = P[peakIndex]! / rp / SIGMA_TO_FWHM;
    }

    let v = 0;
    if (empty) segSigma = -1;
    else {
      const g = clusterOf[peakIndex]!;
      if (g !== curGroup) {
        // Entering a new group: its relevant intervals for the current θ.
        curGroup = g;
        ivPos = 0;
        let theta = theta0;
        if (nBest >= N_PEAKS_CONST && best[N_PEAKS_CONST - 1]! > theta) theta = best[N_PEAKS_CONST - 1]!;
        nIv = relevantIntervals(g, theta, rp);
      }
      while (ivPos < nIv && ivHi[ivPos]! < mz) ivPos++;
      if (ivPos < nIv && ivLo[ivPos]! <= mz) {
        // Envelope at mz: Σ I_k exp(−½((m_k − mz)/σ_g)²) over peaks within CUT·σ_g. Along the grid each
        // term advances by a multiplicative recurrence (term *= ratio; ratio *= exp(−q²), q = step/σ);
        // terms are recomputed directly when σ changes, after a gap, and every RESTART samples.
        const sg = gSigma;
        const ws = CUT * sg;
        while (lo < n && mz - P[lo]! >= ws) lo++;
        if (hi < lo) hi = lo;
        const oldHi = hi;
        while (hi < n && P[hi]! - mz <= ws) hi++;
        if (sg !== decaySigma) {
          decaySigma = sg;
          q = (sg * SIGMA_TO_FWHM) / POINTS_PER_FWHM / sg;
          halfQ2 = 0.5 * q * q;
          decay = Math.exp(-(q * q));
        }
        let from = oldHi;
        if (sg !== segSigma || segLen >= RESTART) {
          from = lo;
          segSigma = sg;
          segLen = 0;
        }
        for (let k = from; k < hi; k++) {
          const d = (P[k]! - mz) / sg;
          T[k] = I[k]! * Math.exp(-0.5 * (d * d));
          R[k] = Math.exp(d * q - halfQ2);
        }
        segLen++;
        for (let k = lo; k < hi; k++) {
          const t = T[k]!;
          v += t;
          const ratio = R[k]!;
          T[k] = t * ratio;
          R[k] = ratio * decay;
        }
      } else segSigma = -1;
    }

    slot = slot === BINS - 1 ? 0 : slot + 1;
    mzw[slot] = mz;
    inw[slot] = v;
    zeroRun = v === 0 ? zeroRun + 1 : 0;
    x = mz;
    j++;
    if (j <= BINS) continue; // initial fill of the window: no step update, no maximum test
    sigmaV = gSigma;
    step = (sigmaV * SIGMA_TO_FWHM) / POINTS_PER_FWHM;
    if (j > 100000000) throw new IsotopeError('error in envelopeCentroids calculation (grid too long)');

    // Local maximum at the window centre (sample j−8, 7 behind the newest)?
    const cs = (slot + BINS - CENTER) % BINS;
    const c = inw[cs]!;
    if (c < MIN_ABUNDANCE) continue;
    if (!(inw[cs === 0 ? BINS - 1 : cs - 1]! < c && c >= inw[cs === BINS - 1 ? 0 : cs + 1]!)) continue;

    const max = emitCentroid(slot, count);
    count++;
    nBest = keepLargest(max, nBest);
  }
  return count;
}

// ---------------------------------------------------------------------------------------------

export interface IonCentroids {
  mzs: Float64Array;
  ints: Float64Array;
  nPeaks: number;
}

const topIdx = new Int32Array(N_PEAKS);


/**
 * The fine isotope pattern of an ion formula by `pattern` (v1's or v3's calculator), with the errors both versions
 * give: a bad formula or a pattern the calculator refuses becomes an IsotopeError naming the ion.
 */
export function finePatternOf(ionFormula: string, pattern: (counts: Map<string, number>) => FinePattern): FinePattern {
  let counts: Map<string, number>;
  try {
    counts = parseFormula(ionFormula);
  } catch (e) {
    if (e instanceof FormulaError) throw new IsotopeError(`cannot compute isotope pattern: ${e.message}`);
    throw e;
  }
  try {
    return pattern(counts);
  } catch (e) {
    if (e instanceof IsotopeError) throw new IsotopeError(`ion "${ionFormula}": ${e.message}`);
    throw e;
  }
}

/** Writes the ≤4 centroids of one ion formula into out arrays at offset o (zero-padded); returns count. */
function computeInto(
  ionFormula: string,
  charge: 1 | -1,
  sigma: number,
  outM: Float64Array,
  outI: Float64Array,
  o: number,
): number {
  const fine = finePatternOf(ionFormula, isotopePattern);
  const n = fine.n;
  // addCharge, and the most intense fine peak for the resolving power.
  let topMass = 0;
  let topInt = -1;
  const shift = charge * ELECTRON_MASS;
  for (let i = 0; i < n; i++) {
    fine.masses[i] = fine.masses[i]! - shift;
    if (fine.ints[i]! > topInt) {
      topInt = fine.ints[i]!;
      topMass = fine.masses[i]!;
    }
  }
  for (let j = 0; j < N_PEAKS; j++) {
    outM[o + j] = 0;
    outI[o + j] = 0;
  }
  if (n === 0) throw new IsotopeError(`ion "${ionFormula}": the isotope pattern has no peaks`);
  if (n === 1) {
    outM[o] = fine.masses[0]!;
    outI[o] = 100 * fine.ints[0]!;
    return 1;
  }
  const fwhm = sigma * SIGMA_TO_FWHM;
  const rp = topMass / fwhm;
  // Sort by mass (the generator's order).
  growPattern(n);
  // Insertion sort by mass into pm/pint (n is small, ~10–200).
  const fm = fine.masses;
  const fi = fine.ints;
  for (let i = 0; i < n; i++) {
    const m = fm[i]!;
    const v = fi[i]!;
    let k = i;
    while (k > 0 && pm[k - 1]! > m) {
      pm[k] = pm[k - 1]!;
      pint[k] = pint[k - 1]!;
      k--;
    }
    pm[k] = m;
    pint[k] = v;
  }
  const nc = envelopeCentroids(n, rp);
  if (nc === 0) {
    throw new IsotopeError(`ion "${ionFormula}": the centroided pattern contains no peaks (sigma ${sigma} too large?)`);
  }
  let top = 0;
  for (let i = 0; i < nc; i++) if (ci[i]! > top) top = ci[i]!;
  // Top-4 by normalised intensity among those >= 1e-4 (ims-cpp removeIntensitiesBelow).
  let k = 0;
  for (let i = 0; i < nc; i++) {
    const rel = ci[i]! / top;
    if (rel < MIN_ABUNDANCE) continue;
    // insertion into a descending top list of size ≤ 4
    let pos = k < N_PEAKS ? k : N_PEAKS;
    while (pos > 0 && ci[topIdx[pos - 1]!]! < ci[i]!) pos--;
    if (pos >= N_PEAKS) continue;
    const end = k < N_PEAKS ? k : N_PEAKS - 1;
    for (let q = end; q > pos; q--) topIdx[q] = topIdx[q - 1]!;
    topIdx[pos] = i;
    if (k < N_PEAKS) k++;
  }
  // Re-sort the kept ones by m/z.
  const kept = Array.from(topIdx.subarray(0, k));
  kept.sort((a, b) => cm[a]! - cm[b]!);
  for (let j = 0; j < k; j++) {
    outM[o + j] = cm[kept[j]!]!;
    outI[o + j] = 100 * (ci[kept[j]!]! / top);
  }
  return k;
}

/** Centroids of one ion formula (v1 semantics). Throws IsotopeError. */
export function ionCentroids(ionFormula: string, charge: 1 | -1, sigma: number): IonCentroids {
  const s = roundSigma(sigma);
  const mzs = new Float64Array(N_PEAKS);
  const ints = new Float64Array(N_PEAKS);
  const nPeaks = computeInto(ionFormula, charge, s, mzs, ints, 0);
  return { mzs, ints, nPeaks };
}

export interface CentroidTableResult {
  table: CentroidTable;
  /** errors[i] = message for ion i if it failed (then nPeaks[i] = 0), else null. */
  errors: (string | null)[];
}

function computeAll(ionFormulas: readonly string[], charge: 1 | -1, sigma: number): CentroidTableResult {
  const s = roundSigma(sigma);
  const n = ionFormulas.length;
  const mzs = new Float64Array(n * N_PEAKS);
  const ints = new Float64Array(n * N_PEAKS);
  const nPeaks = new Uint8Array(n);
  const errors: (string | null)[] = new Array<string | null>(n).fill(null);
  for (let i = 0; i < n; i++) {
    try {
      nPeaks[i] = computeInto(ionFormulas[i]!, charge, s, mzs, ints, i * N_PEAKS);
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
  return { table: { n, mzs, ints, nPeaks }, errors };
}

/**
 * Centroids for many ion formulas. Without a cache it runs synchronously; with a cache it returns a
 * Promise and reuses/stores the whole table under a key of (formula list, charge, sigma, version).
 */
export function computeCentroidTable(ionFormulas: readonly string[], charge: 1 | -1, sigma: number): CentroidTableResult;
export function computeCentroidTable(
  ionFormulas: readonly string[],
  charge: 1 | -1,
  sigma: number,
  cache: CentroidCache,
): Promise<CentroidTableResult>;
export function computeCentroidTable(
  ionFormulas: readonly string[],
  charge: 1 | -1,
  sigma: number,
  cache?: CentroidCache,
): CentroidTableResult | Promise<CentroidTableResult> {
  if (cache === undefined) return computeAll(ionFormulas, charge, sigma);
  return (async () => {
    const s = roundSigma(sigma);
    const key = centroidCacheKey(ionFormulas, charge, s, CENTROID_ALGORITHM_VERSION);
    const hit = await cache.get(key);
    if (hit !== undefined && hit.table.n === ionFormulas.length && sameList(hit.ionFormulas, ionFormulas)) {
      return { table: hit.table, errors: hit.errors };
    }
    const res = computeAll(ionFormulas, charge, s);
    await cache.set(key, { ionFormulas: [...ionFormulas], table: res.table, errors: res.errors });
    return res;
  })();
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
