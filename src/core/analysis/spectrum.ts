// The spectrum browser's math (issue 14 §5): one pixel's spectrum, the dataset's mean spectrum, which annotated
// isotope windows contain a peak, and the decimation that keeps a plot of 10⁶ sticks cheap to draw.
//
// The store holds peaks sorted by m/z across all pixels (segments), so one pixel's peaks are spread over every
// segment. `pixelSpectrumFromSegments` is the plain scan (reads every peak of the dataset); the page instead builds,
// once per dataset, a pixel-major copy in pieces (`transposeSegments`): the peaks of a block of pixels, grouped by
// pixel, m/z-ascending within a pixel. A pixel's spectrum is then read from its block's pieces only.
import { windowBounds } from '../score/windows.ts';
import type { Segment } from '../types.ts';

/** Peaks of one spectrum, m/z-ascending. */
export interface Spectrum {
  mz: Float64Array;
  intensity: Float32Array;
}

/** A pixel's peaks by scanning every segment (segments in m/z order, as stored): m/z-ascending. */
export function pixelSpectrumFromSegments(segments: readonly Segment[], pixel: number): Spectrum {
  let n = 0;
  for (const s of segments) {
    const px = s.pixel;
    for (let i = 0; i < px.length; i++) if (px[i] === pixel) n++;
  }
  const mz = new Float64Array(n);
  const intensity = new Float32Array(n);
  let k = 0;
  for (const s of segments) {
    const px = s.pixel;
    for (let i = 0; i < px.length; i++) {
      if (px[i] === pixel) { mz[k] = s.mz[i]; intensity[k] = s.intensity[i]; k++; }
    }
  }
  return { mz, intensity };
}

// ---- pixel-major pieces -------------------------------------------------------------------------------------------

/** Pixels per block of the pixel-major copy (row-major pixel index / BLOCK = block number). */
export const PIXEL_BLOCK = 512;
const PIECE_MAGIC = 0x31585053; // "SPX1"
const HEADER_BYTES = 16;

/**
 * The peaks of pixels [firstPixel, firstPixel + nPix) from some consecutive segments, grouped by pixel:
 * pixel firstPixel + j owns mz/intensity[offsets[j] .. offsets[j + 1]), m/z-ascending.
 * `bytes` is the whole piece (what is stored); the arrays are views into it.
 */
export interface PixelPiece {
  firstPixel: number;
  offsets: Uint32Array;
  mz: Float64Array;
  intensity: Float32Array;
  bytes: Uint8Array;
}

function pieceLayout(nPix: number, nPeaks: number) {
  const offAt = HEADER_BYTES;
  const mzAt = Math.ceil((offAt + 4 * (nPix + 1)) / 8) * 8;
  const intAt = mzAt + 8 * nPeaks;
  return { offAt, mzAt, intAt, size: intAt + 4 * nPeaks };
}

function pieceViews(bytes: Uint8Array, firstPixel: number, nPix: number, nPeaks: number): PixelPiece {
  const L = pieceLayout(nPix, nPeaks);
  const b = bytes.buffer, o = bytes.byteOffset;
  return {
    firstPixel,
    offsets: new Uint32Array(b, o + L.offAt, nPix + 1),
    mz: new Float64Array(b, o + L.mzAt, nPeaks),
    intensity: new Float32Array(b, o + L.intAt, nPeaks),
    bytes,
  };
}

/**
 * Regroups the peaks of `segments` (consecutive, in m/z order) by pixel: one piece per block of `blockPixels` pixels
 * that has peaks, ascending by block. A stable counting sort, so each pixel's peaks keep their m/z order; pieces
 * made from later segments hold higher m/z, so a pixel's spectrum is its slices of all pieces, in build order.
 */
export function transposeSegments(segments: readonly Segment[], nPixels: number, blockPixels = PIXEL_BLOCK): { block: number; piece: PixelPiece }[] {
  const start = new Uint32Array(nPixels + 1);
  for (const s of segments) {
    const px = s.pixel;
    for (let i = 0; i < px.length; i++) start[px[i] + 1]++;
  }
  for (let p = 0; p < nPixels; p++) start[p + 1] += start[p];
  const out: { block: number; piece: PixelPiece }[] = [];
  // where each block's piece lives: pieceOf[b] (or null), and per pixel its write cursor within that piece
  const nBlocks = Math.ceil(nPixels / blockPixels);
  const pieceOf: (PixelPiece | null)[] = new Array(nBlocks).fill(null);
  const cursor = new Uint32Array(nPixels);
  for (let b = 0; b < nBlocks; b++) {
    const p0 = b * blockPixels;
    const p1 = Math.min(nPixels, p0 + blockPixels);
    const nPeaks = start[p1] - start[p0];
    if (nPeaks === 0) continue;
    const nPix = p1 - p0;
    const L = pieceLayout(nPix, nPeaks);
    const bytes = new Uint8Array(L.size);
    new Uint32Array(bytes.buffer, 0, 4).set([PIECE_MAGIC, p0, nPix, nPeaks]);
    const piece = pieceViews(bytes, p0, nPix, nPeaks);
    for (let j = 0; j <= nPix; j++) piece.offsets[j] = start[p0 + j] - start[p0];
    for (let j = 0; j < nPix; j++) cursor[p0 + j] = piece.offsets[j];
    pieceOf[b] = piece;
    out.push({ block: b, piece });
  }
  for (const s of segments) {
    const { mz, intensity, pixel } = s;
    for (let i = 0; i < pixel.length; i++) {
      const p = pixel[i];
      const piece = pieceOf[(p / blockPixels) | 0]!;
      const k = cursor[p]++;
      piece.mz[k] = mz[i];
      piece.intensity[k] = intensity[i];
    }
  }
  return out;
}

/** A stored piece back as views (no copy when the bytes are 8-aligned, as IndexedDB returns them). */
export function decodePiece(bytes: Uint8Array): PixelPiece {
  const b = bytes.byteOffset % 8 === 0 ? bytes : bytes.slice();
  const [magic, firstPixel, nPix, nPeaks] = new Uint32Array(b.buffer, b.byteOffset, 4);
  if (magic !== PIECE_MAGIC || b.byteLength !== pieceLayout(nPix, nPeaks).size) throw new Error('spectrum index: a stored piece is damaged; it will be rebuilt');
  return pieceViews(b, firstPixel, nPix, nPeaks);
}

/** A pixel's spectrum from its block's pieces, in build order (m/z-ascending when they are). */
export function spectrumFromPieces(pieces: readonly PixelPiece[], pixel: number): Spectrum {
  let n = 0;
  for (const p of pieces) {
    const j = pixel - p.firstPixel;
    if (j >= 0 && j < p.offsets.length - 1) n += p.offsets[j + 1] - p.offsets[j];
  }
  const mz = new Float64Array(n);
  const intensity = new Float32Array(n);
  let k = 0;
  for (const p of pieces) {
    const j = pixel - p.firstPixel;
    if (!(j >= 0 && j < p.offsets.length - 1)) continue;
    const a = p.offsets[j], b = p.offsets[j + 1];
    mz.set(p.mz.subarray(a, b), k);
    intensity.set(p.intensity.subarray(a, b), k);
    k += b - a;
  }
  return { mz, intensity };
}

// ---- mean spectrum ------------------------------------------------------------------------------------------------

/** Width of the mean spectrum's bins: each bin spans a constant 2 ppm of m/z (log-spaced edges). */
export const MEAN_BIN_PPM = 2;

/**
 * The mean spectrum, built segment by segment (peaks in m/z order): peaks are binned into bins of constant relative
 * width (bin k = [ref·(1+w)^k, ref·(1+w)^(k+1)), w = binPpm·10⁻⁶; m/z below ref go to bin 0); each non-empty bin gives
 * one stick at the intensity-weighted mean m/z of its peaks, of height (sum of its intensities) ÷ nSamplePixels.
 */
export class MeanSpectrumBuilder {
  private readonly logStep: number;
  private readonly mzs: number[] = [];
  private readonly sums: number[] = [];
  private bin = -1;
  private sumI = 0;
  private sumMzI = 0;

  constructor(private readonly ref: number, binPpm = MEAN_BIN_PPM) {
    if (!(ref > 0) || !(binPpm > 0)) throw new Error('mean spectrum: the reference m/z and the bin width must be > 0');
    this.logStep = Math.log1p(binPpm * 1e-6);
  }

  binOf(mz: number): number {
    return mz <= this.ref ? 0 : Math.floor(Math.log(mz / this.ref) / this.logStep);
  }

  add(s: { mz: Float64Array; intensity: Float32Array }): void {
    const { mz, intensity } = s;
    // the bin's upper edge, so that most peaks need a comparison instead of a logarithm; stepping to the next bin
    // multiplies the edge by (1+w) (drift ≤ 10⁻¹⁰ relative over 10⁶ bins), a jump recomputes it exactly
    const factor = Math.exp(this.logStep);
    let edge = this.bin < 0 ? -Infinity : this.ref * Math.exp((this.bin + 1) * this.logStep);
    for (let i = 0; i < mz.length; i++) {
      const m = mz[i];
      if (m >= edge) {
        this.close();
        const next = edge * factor;
        if (this.bin >= 0 && m < next) {
          this.bin++;
          edge = next;
        } else {
          this.bin = this.binOf(m);
          edge = this.ref * Math.exp((this.bin + 1) * this.logStep);
        }
      }
      const v = intensity[i];
      this.sumI += v;
      this.sumMzI += m * v;
    }
  }

  private close(): void {
    if (this.bin >= 0 && this.sumI > 0) {
      this.mzs.push(this.sumMzI / this.sumI);
      this.sums.push(this.sumI);
    }
    this.sumI = 0;
    this.sumMzI = 0;
  }

  finish(nSamplePixels: number): Spectrum {
    this.close();
    this.bin = -1;
    const d = Math.max(1, nSamplePixels);
    return { mz: Float64Array.from(this.mzs), intensity: Float32Array.from(this.sums, (v) => v / d) };
  }
}

/** Spectrum ⇄ bytes (for the stored mean spectrum): u32 n, 4 bytes padding, f64 m/z × n, f32 intensity × n. */
export function encodeSpectrum(s: Spectrum): Uint8Array {
  const n = s.mz.length;
  const bytes = new Uint8Array(8 + 12 * n);
  new Uint32Array(bytes.buffer, 0, 1)[0] = n;
  new Float64Array(bytes.buffer, 8, n).set(s.mz);
  new Float32Array(bytes.buffer, 8 + 8 * n, n).set(s.intensity);
  return bytes;
}

export function decodeSpectrum(bytes: Uint8Array): Spectrum {
  const b = bytes.byteOffset % 8 === 0 ? bytes : bytes.slice();
  const n = b.byteLength >= 8 ? new Uint32Array(b.buffer, b.byteOffset, 1)[0] : -1;
  if (n < 0 || b.byteLength !== 8 + 12 * n) throw new Error('mean spectrum: the stored copy is damaged; it will be recomputed');
  return { mz: new Float64Array(b.buffer, b.byteOffset + 8, n), intensity: new Float32Array(b.buffer, b.byteOffset + 8 + 8 * n, n) };
}

// ---- annotated peaks ----------------------------------------------------------------------------------------------

/** The isotope m/z windows of the annotations (mz ± ppm, both ends inclusive, as the ion images use). */
export interface AnnotationWindow {
  /** Index of the annotation in the list given. */
  row: number;
  /** Isotope peak (0 = M). */
  iso: number;
  mz: number;
  lo: number;
  hi: number;
}

export function annotationWindows(rows: readonly { centroidMzs: readonly number[] }[], ppm: number): AnnotationWindow[] {
  const out: AnnotationWindow[] = [];
  rows.forEach((r, row) => r.centroidMzs.forEach((mz, iso) => {
    if (!(mz > 0)) return;
    const [lo, hi] = windowBounds(mz, ppm);
    out.push({ row, iso, mz, lo, hi });
  }));
  return out.sort((a, b) => a.lo - b.lo || a.row - b.row || a.iso - b.iso);
}

/** First index i with arr[i] >= x (arr ascending). */
function lowerBound(arr: Float64Array, x: number): number {
  let l = 0, h = arr.length;
  while (l < h) { const m = (l + h) >>> 1; if (arr[m] < x) l = m + 1; else h = m; }
  return l;
}

/**
 * Which annotation windows contain a peak of `mz` (ascending): for each window with at least one peak inside, the
 * most intense such peak. Sorted by peak, then row, then isotope.
 */
export function matchAnnotatedPeaks(s: Spectrum, windows: readonly AnnotationWindow[]): { peak: number; window: AnnotationWindow }[] {
  const out: { peak: number; window: AnnotationWindow }[] = [];
  for (const w of windows) {
    let best = -1;
    for (let i = lowerBound(s.mz, w.lo); i < s.mz.length && s.mz[i] <= w.hi; i++) if (best < 0 || s.intensity[i] > s.intensity[best]) best = i;
    if (best >= 0) out.push({ peak: best, window: w });
  }
  return out.sort((a, b) => a.peak - b.peak || a.window.row - b.window.row || a.window.iso - b.window.iso);
}

// ---- plotting -----------------------------------------------------------------------------------------------------

/**
 * The sticks of [lo, hi] on `cols` screen columns: per column, the most intense peak (its index). What a stick plot
 * of that width can show; a line plot draws the same points. Returns peak indices, ascending.
 */
export function decimate(s: Spectrum, lo: number, hi: number, cols: number): Uint32Array {
  const a = lowerBound(s.mz, lo);
  let end = a;
  while (end < s.mz.length && s.mz[end] <= hi) end++;
  const span = hi - lo;
  const out: number[] = [];
  let col = -1;
  let best = -1;
  for (let i = a; i < end; i++) {
    const c = span > 0 ? Math.min(cols - 1, Math.floor(((s.mz[i] - lo) / span) * cols)) : 0;
    if (c !== col) {
      if (best >= 0) out.push(best);
      col = c;
      best = i;
    } else if (s.intensity[i] > s.intensity[best]) best = i;
  }
  if (best >= 0) out.push(best);
  return Uint32Array.from(out);
}

/** Largest intensity of the peaks in [lo, hi] (0 when none). */
export function maxIn(s: Spectrum, lo: number, hi: number): number {
  let m = 0;
  for (let i = lowerBound(s.mz, lo); i < s.mz.length && s.mz[i] <= hi; i++) if (s.intensity[i] > m) m = s.intensity[i];
  return m;
}

// ---- any m/z → image ----------------------------------------------------------------------------------------------

/** Why an m/z ± ppm query cannot make an image of this dataset, or null when it can. */
export function mzQueryProblem(mz: number, ppm: number, range: { mzMin: number; mzMax: number }): string | null {
  if (!Number.isFinite(mz)) return 'Enter an m/z value (a number, e.g. 281.2486).';
  if (!Number.isFinite(ppm) || ppm <= 0) return `The tolerance must be a number of ppm above 0 (got ${Number.isFinite(ppm) ? ppm : 'nothing'}).`;
  if (ppm > 1000) return `A tolerance of ${ppm} ppm is too wide for an ion image; use at most 1000 ppm.`;
  const [lo, hi] = windowBounds(mz, ppm);
  if (hi < range.mzMin || lo > range.mzMax) {
    return `m/z ${mz} ± ${ppm} ppm is outside this dataset's m/z range (${range.mzMin.toFixed(4)}–${range.mzMax.toFixed(4)}).`;
  }
  return null;
}

/** About `n` round tick values (1, 2 or 5 × 10^k apart) inside [lo, hi]. */
export function niceTicks(lo: number, hi: number, n: number): number[] {
  const span = hi - lo;
  if (!(span > 0) || !(n > 0)) return [];
  const raw = span / n;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((k) => k * p).find((s) => s >= raw) ?? 10 * p;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toFixed(12)));
  return out;
}
