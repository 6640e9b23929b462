// Isotopic fine structure as computed by ims-cpp @3615e6e (`ms/isocalc.cpp: computeIsotopePattern`),
// the calculator behind cpyMSpec 0.3.5 / METASPACE analysis_version 1.
//
// ims-cpp gets each element's multinomial distribution from an n-dimensional real FFT; here the same
// distribution is enumerated directly (identical values up to rounding noise of ~1e-16) and memoised
// per (element, count), which is what makes a whole database fast. Everything else follows the
// original's rules exactly:
//  - per element: isotope abundances scaled so the most abundant isotope = 1; multinomial cells with
//    value >= fftThreshold kept; the pattern normalised to max 1;
//  - the grid-size limit (> 1e7 FFT cells → "too many isotopic combinations") is evaluated on the
//    FFT grid ims-cpp would allocate, so the same formulas fail;
//  - element patterns are convolved in std::map order (byte-wise symbol order); ims-cpp keeps
//    products > threshold² per step and drops peaks < threshold at the end — pruning at threshold
//    per step gives exactly the same final peaks (see isotopePattern); the result's top is exactly 1,
//    so the per-step renormalisation is an identity.
import { ELEMENTS, type ElementIsotopes } from './elements.ts';

export class IsotopeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IsotopeError';
  }
}

/** Peaks of a pattern in no particular order (ints relative, max exactly 1). */
export interface FinePattern {
  masses: Float64Array;
  ints: Float64Array;
  n: number;
}

const MAX_FFT_CELLS = 1e7;

/** kissfft's kiss_fft_next_fast_size: smallest k >= n with only 2, 3, 5 as prime factors. */
function nextFastSize(n: number): number {
  for (;;) {
    let m = n;
    while (m % 2 === 0) m /= 2;
    while (m % 3 === 0) m /= 3;
    while (m % 5 === 0) m /= 5;
    if (m <= 1) return n;
    n++;
  }
}

/** kiss_fftr_next_fast_size_real (a macro in kissfft): even size for real FFTs. */
function nextFastSizeReal(n: number): number {
  return nextFastSize((n + 1) >> 1) << 1;
}

/** FFT grid ims-cpp would allocate for `count` atoms of an element with `nIso` isotopes. */
export function fftGridCells(nIso: number, count: number): number {
  const dim = nIso - 1;
  if (dim === 0) return 1;
  return Math.pow(nextFastSizeReal(count + 1), dim);
}

/** Element pattern sorted by decreasing intensity, top = 1 (memoised). */
interface ElementPattern {
  masses: Float64Array;
  ints: Float64Array;
}


function computeElementPattern(el: ElementIsotopes, count: number, fftThreshold: number): ElementPattern {
  const nIso = el.masses.length;
  const dim = nIso - 1;
  if (dim === 0) {
    return { masses: Float64Array.of(el.masses[0]! * count), ints: Float64Array.of(1) };
  }
  if (fftGridCells(nIso, count) > MAX_FFT_CELLS) {
    throw new IsotopeError(
      `failed to compute isotope pattern for ${el.symbol}${count}: too many isotopic combinations ` +
        `(${nIso} isotopes × ${count} atoms exceeds the calculator's 1e7-cell limit)`,
    );
  }
  const masses: number[] = [];
  const ints: number[] = [];
  const m = el.masses;
  const a = el.rel;
  const k = new Int32Array(dim);
  // Depth-first over k[0..dim-1] (isotopes 1..dim), keeping the running multinomial value
  // v = n!/((n-S)! Π k_i!) Π a_i^k_i (a_0 = 1) and the mass prefix in ims-cpp's summation order.
  const rec = (d: number, used: number, v: number, massPrefix: number): void => {
    if (d === dim) {
      if (v >= fftThreshold) {
        masses.push(massPrefix + (count - used) * m[0]!);
        ints.push(v);
      }
      return;
    }
    let kv = v;
    const ad = a[d + 1]!;
    const md = m[d + 1]!;
    for (let j = 0; used + j <= count; j++) {
      k[d] = j;
      rec(d + 1, used + j, kv, massPrefix + md * j);
      // Step k_d → k_d + 1: one more atom moves from isotope 0 to isotope d+1.
      kv = (kv * ad * (count - used - j)) / (j + 1);
      if (kv === 0) break; // underflow: every later cell on this axis is 0 too
    }
  };
  rec(0, 0, 1, 0);
  // Normalise to max 1 and sort by decreasing intensity (needed for the convolution's early exit).
  const n = ints.length;
  const order = new Uint32Array(n);
  let top = 0;
  for (let i = 0; i < n; i++) {
    order[i] = i;
    if (ints[i]! > top) top = ints[i]!;
  }
  order.sort((x, y) => ints[y]! - ints[x]!);
  const outM = new Float64Array(n);
  const outI = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    outM[i] = masses[order[i]!]!;
    outI[i] = ints[order[i]!]! / top;
  }
  return { masses: outM, ints: outI };
}

// Memo: fftThreshold → symbol → count → pattern.
const memo = new Map<number, Map<string, ElementPattern[]>>();

function elementPattern(symbol: string, count: number, fftThreshold: number): ElementPattern {
  let bySym = memo.get(fftThreshold);
  if (bySym === undefined) memo.set(fftThreshold, (bySym = new Map()));
  let byCount = bySym.get(symbol);
  if (byCount === undefined) {
    const el = ELEMENTS.get(symbol);
    if (el === undefined) throw new IsotopeError(`unknown element "${symbol}" (not in the ims-cpp isotope table)`);
    bySym.set(symbol, (byCount = []));
  }
  let p = byCount[count];
  if (p === undefined) {
    p = computeElementPattern(ELEMENTS.get(symbol)!, count, fftThreshold);
    byCount[count] = p;
    memoSize++;
  }
  return p;
}
let memoSize = 0;

// Scratch buffers for the convolution chain, grown on demand (no per-formula allocation).
let bufM = new Float64Array(4096);
let bufI = new Float64Array(4096);
let bufM2 = new Float64Array(4096);
let bufI2 = new Float64Array(4096);

function ensure(n: number): void {
  if (bufM2.length >= n) return;
  let size = bufM2.length;
  while (size < n) size *= 2;
  const nm = new Float64Array(size);
  const ni = new Float64Array(size);
  nm.set(bufM2);
  ni.set(bufI2);
  bufM2 = nm;
  bufI2 = ni;
}

/** Byte-wise (std::map<std::string,…>) order of element symbols. */
function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Fine-structure isotope pattern of a formula given as element counts.
 * threshold / fftThreshold default to cpyMSpec 0.3.5's 1e-4 / 1e-8.
 * Returned arrays are fresh copies; throws IsotopeError.
 */
export function isotopePattern(
  counts: ReadonlyMap<string, number>,
  threshold = 1e-4,
  fftThreshold = 1e-8,
): FinePattern {
  const symbols = [...counts.keys()].filter((s) => counts.get(s)! > 0).sort(byteOrder);
  if (symbols.length === 0) throw new IsotopeError('empty formula: no atoms to compute an isotope pattern for');
  // ims-cpp keeps products > threshold² at every convolution step and drops peaks < threshold at the
  // end. All factors are ≤ 1, so every partial product of a peak that survives the end (≥ threshold)
  // is itself ≥ threshold (fl(a·b) ≤ a for b ≤ 1): pruning at `threshold` at every step keeps exactly
  // the same final peaks with bit-identical values (same left-to-right products and mass sums), and
  // avoids carrying thousands of doomed intermediate peaks. The same holds for element patterns.
  const convThreshold = threshold;
  let n = 0;
  let first = true;
  for (const sym of symbols) {
    const p = elementPattern(sym, counts.get(sym)!, fftThreshold);
    const pm = p.masses;
    const pi = p.ints;
    let n2 = pm.length;
    while (n2 > 0 && !(pi[n2 - 1]! >= convThreshold)) n2--; // sorted by decreasing intensity
    if (first) {
      // Convolution with the unit spectrum returns the element pattern unchanged.
      if (bufM.length < n2) {
        bufM = new Float64Array(n2 * 2);
        bufI = new Float64Array(n2 * 2);
      }
      bufM.set(pm.subarray(0, n2));
      bufI.set(pi.subarray(0, n2));
      n = n2;
      first = false;
      continue;
    }
    ensure(n * n2);
    let out = 0;
    for (let i = 0; i < n; i++) {
      const mi = bufM[i]!;
      const ii = bufI[i]!;
      // p is sorted by decreasing intensity: the first product at or below the threshold ends the row.
      for (let j = 0; j < n2; j++) {
        const ab = ii * pi[j]!;
        if (!(ab >= convThreshold)) break;
        bufM2[out] = mi + pm[j]!;
        bufI2[out] = ab;
        out++;
      }
    }
    // swap
    const tm = bufM;
    const ti = bufI;
    bufM = bufM2;
    bufI = bufI2;
    bufM2 = tm;
    bufI2 = ti;
    n = out;
  }
  let kept = 0;
  for (let i = 0; i < n; i++) if (bufI[i]! >= threshold) kept++;
  const masses = new Float64Array(kept);
  const ints = new Float64Array(kept);
  let o = 0;
  for (let i = 0; i < n; i++) {
    if (bufI[i]! >= threshold) {
      masses[o] = bufM[i]!;
      ints[o] = bufI[i]!;
      o++;
    }
  }
  return { masses, ints, n: kept };
}

/** Number of memoised element patterns (for tests / diagnostics). */
export function elementPatternCacheSize(): number {
  return memoSize;
}

/** Forget the memoised element patterns (benchmarks measure cold runs with this). */
export function clearElementPatternCache(): void {
  memo.clear();
  memoSize = 0;
}
