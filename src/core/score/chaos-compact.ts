// Which rows and columns METASPACE measures chaos on (spec §6, metaspace-2026.md "Chaos since 2026").
//
// `chaos_metric` does not give ims-cpp the dataset-sized image: per dimension it keeps only the lines within
// reach of a line with signal (`_chaos_dilate`: two 1-line shifts forward, then ONE 2-line shift back), and the
// whole dimension when at least 90 % of it would be kept. The cut matters because ims-cpp's erosion treats the
// image border as foreground, so moving the border next to the signal changes the component counts. The
// backward shift reads line t+2, which does not exist for signal in the last line: there line t−1 is dropped
// (unless reached otherwise), e.g. a 4×2 image with signal only in its right column is measured as 4×1.
// Measured against ims-cpp on such images: tests/unit/chaos-compact.test.ts.
import { chaosFromMoc, measureOfChaos } from './chaos.ts';

/**
 * The kept lines of one dimension of n lines, given which lines hold a non-zero pixel: null when the whole
 * dimension is kept, else, per line, its index in the compact image or −1.
 */
export function chaosLines(occupied: Uint8Array, n: number): Int32Array | null {
  // a[i] |= a[i-1] twice (numpy evaluates the right side before writing), then a[i] |= a[i+2]
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = occupied[i] | (i > 0 ? occupied[i - 1] : 0);
  const c = new Uint8Array(n);
  for (let i = 0; i < n; i++) c[i] = b[i] | (i > 0 ? b[i - 1] : 0);
  let kept = 0;
  for (let i = 0; i < n; i++) {
    c[i] = i + 2 < n ? c[i] | c[i + 2] : c[i]; // c[i+2] is not yet rewritten: ascending i reads ahead
    kept += c[i];
  }
  if (kept >= 0.9 * n) return null;
  const remap = new Int32Array(n);
  let k = 0;
  for (let i = 0; i < n; i++) remap[i] = c[i] ? k++ : -1;
  return remap;
}

/** The compact grid of a sparse image on w×h, or null when METASPACE measures the full grid. */
export interface ChaosGrid {
  width: number;
  height: number;
  /** compact pixel index of each listed pixel, aligned with the input list */
  pixels: Int32Array;
}

/**
 * METASPACE's cut of the image whose non-zero pixels are `pixels[0..n)` (row-major indices on a width×height
 * grid, distinct): null when nothing is cut, else the compact grid and the listed pixels' indices in it.
 */
export function chaosGrid(pixels: Int32Array, n: number, width: number, height: number): ChaosGrid | null {
  const rows = new Uint8Array(height);
  const cols = new Uint8Array(width);
  for (let q = 0; q < n; q++) {
    const p = pixels[q];
    rows[(p / width) | 0] = 1;
    cols[p % width] = 1;
  }
  const rowMap = chaosLines(rows, height);
  const colMap = chaosLines(cols, width);
  if (!rowMap && !colMap) return null;
  const keptRows = rowMap ? rowMap.reduce((m, v) => Math.max(m, v + 1), 0) : height;
  const keptCols = colMap ? colMap.reduce((m, v) => Math.max(m, v + 1), 0) : width;
  const out = new Int32Array(n);
  for (let q = 0; q < n; q++) {
    const p = pixels[q];
    const r = (p / width) | 0;
    const c = p % width;
    out[q] = (rowMap ? rowMap[r] : r) * keptCols + (colMap ? colMap[c] : c);
  }
  return { width: keptCols, height: keptRows, pixels: out };
}

/**
 * METASPACE's chaos metric of a sparse image (distinct pixel indices on width×height and their values): the
 * measure of chaos of the compact image `chaosGrid` describes, then `chaosFromMoc`. Dense reference path
 * (tests, viewer); the scorer does the same on its sparse support.
 */
export function metaspaceChaos(pixels: Int32Array, values: Float32Array, n: number, width: number, height: number, nLevels = 30): number {
  if (n === 0) return 0;
  const grid = chaosGrid(pixels, n, width, height);
  const w = grid ? grid.width : width;
  const h = grid ? grid.height : height;
  const at = grid ? grid.pixels : pixels;
  const img = new Float32Array(w * h);
  for (let q = 0; q < n; q++) img[at[q]] += values[q];
  return chaosFromMoc(measureOfChaos(img, w, h, nLevels));
}
