// Dataset simulator: plans a synthetic imaging MS experiment (tissue mask, planted ions with isotope patterns
// and smooth spatial distributions, recurring chemical background) and then streams its centroided spectra
// pixel by pixel, deterministically from one seed. Nothing per dataset is held beyond the plan (O(ions + peaks
// per spectrum)), so 250k pixels × 1,000 peaks stream straight into an ImzmlWriter.
//
// Each spectrum = planted isotope peaks (intensity = ion scale × spatial pattern × isotope ratio × log-normal
// noise, m/z shifted by a per-peak ppm error) + recurring background peaks (fixed m/z list, present in most
// tissue pixels) + K uniform random noise peaks; m/z ascending, float64 m/z and float32 intensities.
import { generateIonFormula } from '../chem/ions.ts';
import { Rng, hashString } from './rng.ts';
import { tissueMask } from './mask.ts';
import { PATTERN_KINDS, PRESENCE_THRESHOLD, STRIDE, drawPattern, evalPattern, describePattern, type PatternSet, type PatternKind } from './spatial.ts';

/** Theoretical isotope centroids of an ion formula (chem/centroids.ts `ionCentroids` fits), or null if none. */
export type CentroidFn = (ionFormula: string, charge: 1 | -1, sigma: number) =>
  { mzs: ArrayLike<number>; ints: ArrayLike<number>; nPeaks: number } | null;

export interface SimOptions {
  width: number;
  height: number;
  /** 0..2^32−1; everything (mask, ions, every spectrum, the uuid) follows from it. */
  seed: number;
  /** Database formulas the planted ions are drawn from (random formula × random adduct). */
  formulas: readonly string[];
  nTrue: number;
  adducts: readonly string[];
  polarity: '+' | '-';
  sigma: number;
  /** Uniform random noise peaks per spectrum. */
  noisePeaks: number;
  mzRange: readonly [number, number];
  centroids: CentroidFn;
  /** Recurring chemical-background m/z values (default 40). */
  backgroundPeaks?: number;
  /** Fraction of off-tissue pixels that get a sparse background-only spectrum (default 0: no spectra off tissue). */
  offTissueSpectra?: number;
  /** Per-peak m/z error: normal with this sd in ppm (default 1) … */
  ppmSd?: number;
  /** … clipped to ±ppmMax (default 4; with sd 1, 99.7 % of peaks fall within ±3 ppm). */
  ppmMax?: number;
  /** Log-normal sd of per-peak intensity noise (default 0.15). */
  intensityNoise?: number;
  /**
   * Planted ions' principal-peak intensity at the pattern maximum: log-uniform in this range (default 50..2e5,
   * i.e. from near the noise floor, where recall drops, to strong).
   */
  scaleRange?: readonly [number, number];
  /** Median intensity of random noise peaks (default 20). */
  noiseLevel?: number;
  /** Planted isotope peaks weaker than this are not emitted (default 5), as a detector would miss them. */
  detectionLimit?: number;
  /** Minimum distance (ppm) between peaks of different planted ions and background peaks (default 10). */
  minSeparationPpm?: number;
}

export interface PlantedIon {
  formula: string;
  adduct: string;
  ionFormula: string;
  mzs: number[];
  /** Relative isotope intensities, max 100. */
  ints: number[];
  /** Intensity of the 100 % isotope peak where the pattern is 1. */
  scale: number;
  pattern: PatternKind;
  patternParams: string;
}

export interface SimPlan {
  options: Required<Omit<SimOptions, 'centroids' | 'formulas'>>;
  width: number;
  height: number;
  mask: Uint8Array;
  nTissue: number;
  /** Pixels that get a spectrum (row-major), tissue plus any off-tissue background pixels. */
  nSpectra: number;
  hasSpectrum: Uint8Array;
  planted: PlantedIon[];
  background: { mz: Float64Array; intensity: Float64Array; presence: Float64Array };
  patterns: PatternSet;
  /** Planted + background peaks sorted by theoretical m/z; ref ≥ 0: planted ion*4+isotope, < 0: -(bg + 1). */
  structMz: Float64Array;
  structRef: Int32Array;
  structRel: Float64Array;
  /** Upper bound of peaks in one spectrum (buffer size). */
  maxPeaks: number;
}

/** One generated spectrum. `mz`/`intensity` are views into reused buffers: valid until the next one is generated. */
export interface SimSpectrum {
  /** 1-based file coordinates. */
  x: number;
  y: number;
  mz: Float64Array;
  intensity: Float32Array;
}

/** Per planted ion: pixels where it was emitted (principal peak present) and its total emitted intensity. */
export interface SimStats {
  nPixels: Uint32Array;
  totalIntensity: Float64Array;
  nPeaks: number;
  nSpectra: number;
}

export class SimulationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SimulationError';
  }
}

const DEFAULTS = {
  backgroundPeaks: 40,
  offTissueSpectra: 0,
  ppmSd: 1,
  ppmMax: 4,
  intensityNoise: 0.15,
  scaleRange: [50, 2e5] as const,
  noiseLevel: 20,
  detectionLimit: 5,
  minSeparationPpm: 10,
};

function check(cond: boolean, what: string): void {
  if (!cond) throw new SimulationError(`simulator: ${what}`);
}

/** Plans the dataset: mask, planted ions (with patterns and scales) and background list. Deterministic by seed. */
export function planSimulation(o: SimOptions): SimPlan {
  const opt = { ...DEFAULTS, ...stripUndefined(o) } as SimOptions & typeof DEFAULTS;
  check(Number.isInteger(opt.width) && opt.width >= 1 && Number.isInteger(opt.height) && opt.height >= 1,
    `width and height must be whole numbers ≥ 1 (got ${opt.width} × ${opt.height})`);
  check(Number.isInteger(opt.seed) && opt.seed >= 0 && opt.seed <= 0xffffffff, `seed must be a whole number within 0..4294967295 (got ${opt.seed})`);
  check(Number.isInteger(opt.nTrue) && opt.nTrue >= 0, `the number of planted ions must be a whole number ≥ 0 (got ${opt.nTrue})`);
  check(Number.isInteger(opt.noisePeaks) && opt.noisePeaks >= 0, `noise peaks must be a whole number ≥ 0 (got ${opt.noisePeaks})`);
  check(Number.isInteger(opt.backgroundPeaks) && opt.backgroundPeaks >= 0, `background peaks must be a whole number ≥ 0 (got ${opt.backgroundPeaks})`);
  const [lo, hi] = opt.mzRange;
  check(lo > 0 && hi > lo, `m/z range must be two increasing positive numbers (got ${lo},${hi})`);
  check(opt.sigma > 0, `sigma must be > 0 (got ${opt.sigma})`);
  check(opt.adducts.length > 0 || opt.nTrue === 0, 'give at least one adduct to plant ions with');
  check(opt.offTissueSpectra >= 0 && opt.offTissueSpectra <= 1, `off-tissue spectra fraction must be within 0..1 (got ${opt.offTissueSpectra})`);
  const { width, height, seed } = opt;
  const { mask, nTissue } = tissueMask(width, height, seed);
  const tissue = new Uint32Array(nTissue);
  for (let i = 0, k = 0; i < mask.length; i++) if (mask[i]) tissue[k++] = i;

  // which off-tissue pixels carry a (background-only) spectrum: decided once here from a dedicated stream
  const hasSpectrum = mask.slice();
  let nSpectra = nTissue;
  if (opt.offTissueSpectra > 0) {
    const r = new Rng(seed, hashString('off-tissue'));
    for (let i = 0; i < mask.length; i++) {
      if (!mask[i] && r.next() < opt.offTissueSpectra) { hasSpectrum[i] = 1; nSpectra++; }
    }
  }

  // planted ions: random (formula, adduct) pairs whose isotope peaks all fall in the m/z range and keep clear of
  // the peaks already planted, so each planted ion's windows hold only its own signal (plus random noise)
  const rng = new Rng(seed, hashString('ions'));
  const charge: 1 | -1 = opt.polarity === '-' ? -1 : 1;
  const planted: PlantedIon[] = [];
  const used = new Set<string>();
  const takenMz: number[] = [];
  const sepRel = opt.minSeparationPpm * 1e-6;
  const clear = (mz: number) => {
    for (const t of takenMz) if (Math.abs(t - mz) <= sepRel * t) return false;
    return true;
  };
  const patterns: PatternSet = { n: opt.nTrue, kind: new Uint8Array(opt.nTrue), params: new Float64Array(opt.nTrue * STRIDE) };
  const maxAttempts = Math.max(1000, opt.nTrue * 100);
  let attempts = 0;
  while (planted.length < opt.nTrue) {
    if (++attempts > maxAttempts || opt.formulas.length === 0) {
      throw new SimulationError(
        `simulator: found only ${planted.length} of ${opt.nTrue} plantable ions after ${attempts - 1} draws from ${opt.formulas.length} formulas × ` +
        `${opt.adducts.length} adducts (ions must be valid, distinct, inside m/z ${lo}..${hi} and ${opt.minSeparationPpm} ppm apart); ` +
        'use a larger database, a wider --mz-range or fewer --n-true',
      );
    }
    const formula = opt.formulas[rng.int(opt.formulas.length)]!;
    const adduct = opt.adducts[rng.int(opt.adducts.length)]!;
    const ionFormula = generateIonFormula(formula, '', '', adduct);
    if (!ionFormula || used.has(ionFormula)) continue;
    let c: ReturnType<CentroidFn>;
    try {
      c = opt.centroids(ionFormula, charge, opt.sigma);
    } catch {
      continue; // e.g. a formula the isotope code cannot handle: just draw another
    }
    if (!c || c.nPeaks < 1) continue;
    const mzs: number[] = [];
    const ints: number[] = [];
    for (let k = 0; k < c.nPeaks; k++) if (c.ints[k]! > 0) { mzs.push(c.mzs[k]!); ints.push(c.ints[k]!); }
    if (!mzs.length || mzs[0]! < lo || mzs[mzs.length - 1]! > hi || !mzs.every(clear)) continue;
    used.add(ionFormula);
    takenMz.push(...mzs);
    const i = planted.length;
    drawPattern(patterns, i, rng, width, height, tissue);
    planted.push({
      formula, adduct, ionFormula, mzs, ints,
      scale: rng.logUniform(opt.scaleRange[0], opt.scaleRange[1]),
      pattern: PATTERN_KINDS[patterns.kind[i]!]!,
      patternParams: describePattern(patterns, i),
    });
  }

  // recurring background (matrix clusters, contaminants): fixed m/z list, strong, present in most pixels
  const nb = opt.backgroundPeaks;
  const bgMz = new Float64Array(nb);
  const bgInt = new Float64Array(nb);
  const bgPresence = new Float64Array(nb);
  const brng = new Rng(seed, hashString('background'));
  for (let b = 0; b < nb; b++) {
    let mz = 0;
    for (let tries = 0; tries < 1000; tries++) {
      mz = brng.uniform(lo, hi);
      if (clear(mz)) break;
    }
    takenMz.push(mz);
    bgMz[b] = mz;
    bgInt[b] = brng.logUniform(200, 2e4);
    bgPresence[b] = brng.uniform(0.7, 1);
  }

  // planted isotope peaks + background peaks, sorted once by theoretical m/z
  const nStruct = planted.reduce((s, p) => s + p.mzs.length, 0) + nb;
  const order: { mz: number; ref: number; rel: number }[] = [];
  planted.forEach((p, i) => p.mzs.forEach((mz, k) => order.push({ mz, ref: i * 4 + k, rel: p.ints[k]! / 100 })));
  for (let b = 0; b < nb; b++) order.push({ mz: bgMz[b]!, ref: -(b + 1), rel: bgInt[b]! });
  order.sort((a, b) => a.mz - b.mz);
  const structMz = Float64Array.from(order, (e) => e.mz);
  const structRef = Int32Array.from(order, (e) => e.ref);
  const structRel = Float64Array.from(order, (e) => e.rel);

  const { centroids: _c, formulas: _f, ...rest } = opt;
  return {
    options: rest as SimPlan['options'],
    width, height, mask, nTissue, nSpectra, hasSpectrum, planted,
    background: { mz: bgMz, intensity: bgInt, presence: bgPresence },
    patterns, structMz, structRef, structRel,
    maxPeaks: nStruct + opt.noisePeaks,
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

export function newStats(plan: SimPlan): SimStats {
  return { nPixels: new Uint32Array(plan.planted.length), totalIntensity: new Float64Array(plan.planted.length), nPeaks: 0, nSpectra: 0 };
}

/**
 * Generates the spectrum of one pixel into reused buffers. Every pixel draws from its own sub-stream
 * (seed, pixel index), so any pixel can be regenerated alone and in any order.
 */
export class SpectrumGenerator {
  readonly mz: Float64Array;
  readonly intensity: Float32Array;
  private readonly amp: Float64Array;
  private readonly scale: Float64Array;
  private readonly sMz: Float64Array;
  private readonly sInt: Float64Array;
  private readonly nMz: Float64Array;
  private readonly nInt: Float64Array;
  private readonly rng = new Rng(0);

  constructor(private readonly plan: SimPlan, private readonly stats?: SimStats) {
    const cap = plan.maxPeaks;
    this.mz = new Float64Array(cap);
    this.intensity = new Float32Array(cap);
    this.amp = new Float64Array(plan.planted.length);
    this.scale = Float64Array.from(plan.planted, (p) => p.scale);
    this.sMz = new Float64Array(cap);
    this.sInt = new Float64Array(cap);
    this.nMz = new Float64Array(plan.options.noisePeaks + 1);
    this.nInt = new Float64Array(plan.options.noisePeaks);
  }

  /** Fills `mz`/`intensity` for row-major pixel `pix` and returns the peak count (0 for pixels without a spectrum). */
  generate(pix: number): number {
    const plan = this.plan;
    if (!plan.hasSpectrum[pix]) return 0;
    const o = plan.options;
    const { width, patterns, structMz, structRef, structRel } = plan;
    const { amp, scale, sMz, sInt, nMz, nInt, rng, stats } = this;
    const presence = plan.background.presence;
    const x = pix % width, y = (pix - x) / width;
    rng.reseed(o.seed, 1, pix);
    const onTissue = plan.mask[pix] === 1;
    // planted ion amplitudes at this pixel (zero off tissue and below the presence threshold)
    for (let i = 0; i < amp.length; i++) {
      let v = onTissue ? evalPattern(patterns, i, x + 0.5, y + 0.5) : 0;
      if (v < PRESENCE_THRESHOLD) v = 0;
      amp[i] = v * scale[i]!;
    }
    const noise = o.intensityNoise, ppmSd = o.ppmSd, ppmMax = o.ppmMax, limit = o.detectionLimit;
    // structured peaks, nearly sorted (ppm errors may swap peaks closer than a few ppm): insertion sort after
    let n = 0;
    for (let j = 0; j < structMz.length; j++) {
      const ref = structRef[j]!;
      let inten: number;
      if (ref >= 0) {
        const a = amp[ref >> 2]!;
        if (a === 0) continue;
        inten = a * structRel[j]! * Math.exp(noise * rng.fastNormal());
        if (inten < limit) continue;
        if (stats) {
          if ((ref & 3) === 0) stats.nPixels[ref >> 2]!++;
          stats.totalIntensity[ref >> 2]! += Math.fround(inten);
        }
      } else {
        // background: weaker and sparser off tissue
        const pres = onTissue ? presence[-ref - 1]! : 0.5 * presence[-ref - 1]!;
        if (rng.nextU32() >= pres * 4294967296) continue;
        inten = structRel[j]! * (onTissue ? 1 : 0.3) * Math.exp(0.35 * rng.fastNormal());
      }
      let err = ppmSd * rng.fastNormal();
      if (err > ppmMax) err = ppmMax;
      else if (err < -ppmMax) err = -ppmMax;
      sMz[n] = structMz[j]! * (1 + err * 1e-6);
      sInt[n] = inten;
      n++;
    }
    for (let i = 1; i < n; i++) {
      const m = sMz[i]!, v = sInt[i]!;
      let k = i - 1;
      while (k >= 0 && sMz[k]! > m) { sMz[k + 1] = sMz[k]!; sInt[k + 1] = sInt[k]!; k--; }
      sMz[k + 1] = m;
      sInt[k + 1] = v;
    }
    // K random noise peaks, generated already sorted: normalised cumulative exponential spacings are the
    // order statistics of K uniforms (no sort needed)
    const [lo, hi] = o.mzRange;
    const k = onTissue ? o.noisePeaks : o.noisePeaks >> 2;
    let acc = 0;
    for (let i = 0; i <= k; i++) { acc -= Math.log((rng.nextU32() + 1) / 4294967296); nMz[i] = acc; }
    const span = (hi - lo) / acc;
    const level = o.noiseLevel;
    for (let i = 0; i < k; i++) {
      nMz[i] = lo + nMz[i]! * span;
      nInt[i] = level * Math.exp(0.7 * rng.fastNormal());
    }
    // merge the two sorted lists
    const outMz = this.mz, outInt = this.intensity;
    let a = 0, b = 0, w = 0;
    while (a < n && b < k) {
      if (sMz[a]! <= nMz[b]!) { outMz[w] = sMz[a]!; outInt[w++] = sInt[a++]!; }
      else { outMz[w] = nMz[b]!; outInt[w++] = nInt[b++]!; }
    }
    while (a < n) { outMz[w] = sMz[a]!; outInt[w++] = sInt[a++]!; }
    while (b < k) { outMz[w] = nMz[b]!; outInt[w++] = nInt[b++]!; }
    if (stats) { stats.nPeaks += w; stats.nSpectra++; }
    return w;
  }
}

/** Streams the spectra in row-major pixel order (views into reused buffers; copy before the next step). */
export function* simulateSpectra(plan: SimPlan, stats?: SimStats): Generator<SimSpectrum> {
  const g = new SpectrumGenerator(plan, stats);
  const spectrum: SimSpectrum = { x: 0, y: 0, mz: g.mz, intensity: g.intensity };
  const nPix = plan.width * plan.height;
  for (let pix = 0; pix < nPix; pix++) {
    if (!plan.hasSpectrum[pix]) continue;
    const w = g.generate(pix);
    spectrum.x = (pix % plan.width) + 1;
    spectrum.y = Math.floor(pix / plan.width) + 1;
    spectrum.mz = g.mz.subarray(0, w);
    spectrum.intensity = g.intensity.subarray(0, w);
    yield spectrum;
  }
}

/** A valid random-looking (version 4) uuid derived from the seed, so the same seed gives the same ibd bytes. */
export function simUuid(seed: number): string {
  const r = new Rng(seed, hashString('uuid'));
  const b = new Uint8Array(16);
  for (let i = 0; i < 16; i++) b[i] = r.nextU32() & 0xff;
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  return Array.from(b, (v) => v.toString(16).padStart(2, '0')).join('');
}

const csvField = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

export const TRUTH_COLUMNS = ['formula', 'adduct', 'ion_formula', 'mz0', 'mzs', 'ints', 'scale', 'pattern', 'pattern_params', 'n_pixels', 'total_intensity'] as const;

/**
 * Ground truth: one row per planted ion (stats columns empty when no stats are given), then one row per
 * recurring background peak (pattern 'background', no formula; scale = its typical intensity) so that
 * recall can tell background hits from false ones.
 */
export function truthCsv(plan: SimPlan, stats?: SimStats): string {
  const lines = [TRUTH_COLUMNS.join(',')];
  plan.planted.forEach((p, i) => {
    lines.push([
      p.formula, p.adduct, p.ionFormula, p.mzs[0]!.toFixed(6),
      p.mzs.map((m) => m.toFixed(6)).join(';'), p.ints.map((v) => v.toFixed(3)).join(';'),
      p.scale.toPrecision(6), p.pattern, p.patternParams,
      stats ? String(stats.nPixels[i]) : '', stats ? stats.totalIntensity[i]!.toPrecision(8) : '',
    ].map(csvField).join(','));
  });
  const bg = plan.background;
  for (let b = 0; b < bg.mz.length; b++) {
    lines.push(['', '', '', bg.mz[b]!.toFixed(6), bg.mz[b]!.toFixed(6), '100.000', bg.intensity[b]!.toPrecision(6), 'background',
      `presence=${bg.presence[b]!.toFixed(3)}`, '', ''].join(','));
  }
  return `${lines.join('\n')}\n`;
}
