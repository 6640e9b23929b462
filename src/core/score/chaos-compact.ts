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
 * Marks the kept lines of one dimension of n lines (`occupied[i]` = 1 when line i holds a non-zero pixel) into
 * `remap` (its index in the compact image, or −1); returns the number kept, or −1 when the whole dimension is
 * kept. `tmp` is scratch of n bytes.
 */
function cutLines(occupied: Uint8Array, n: number, tmp: Uint8Array, remap: Int32Array): number {
  // a[i] |= a[i-1] twice (numpy evaluates the right side before writing), then a[i] |= a[i+2]:
  // tmp = two forward shifts in one go, read ahead before it is rewritten
  for (let i = n - 1; i >= 0; i--) tmp[i] = occupied[i] | (i > 0 ? occupied[i - 1] | (i > 1 ? occupied[i - 2] : 0) : 0);
  let kept = 0;
  for (let i = 0; i < n; i++) {
    tmp[i] = i + 2 < n ? tmp[i] | tmp[i + 2] : tmp[i]; // tmp[i+2] is not yet rewritten: ascending i reads ahead
    kept += tmp[i];
  }
  if (kept >= 0.9 * n) return -1;
  let k = 0;
  for (let i = 0; i < n; i++) remap[i] = tmp[i] ? k++ : -1;
  return k;
}

/**
 * METASPACE's cut of sparse images on one width×height grid, with scratch reused across calls (the score kernel
 * asks once per ion that reaches chaos). `cut` returns null when nothing is cut, else the compact size; the listed
 * pixels' indices in the compact grid are then in `pixels`.
 */
export class ChaosCut {
  pixels = new Int32Array(64);
  private readonly rows: Uint8Array;
  private readonly cols: Uint8Array;
  private readonly tmp: Uint8Array;
  private readonly rowMap: Int32Array;
  private readonly colMap: Int32Array;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.rows = new Uint8Array(height);
    this.cols = new Uint8Array(width);
    this.tmp = new Uint8Array(Math.max(width, height));
    this.rowMap = new Int32Array(height);
    this.colMap = new Int32Array(width);
  }

  /** `pixels[0..n)`: distinct row-major pixel indices of the image's non-zero pixels. */
  cut(pixels: Int32Array, n: number): { width: number; height: number } | null {
    const { width, height, rows, cols, rowMap, colMap } = this;
    rows.fill(0);
    cols.fill(0);
    for (let q = 0; q < n; q++) {
      const p = pixels[q];
      rows[(p / width) | 0] = 1;
      cols[p % width] = 1;
    }
    const keptRows = cutLines(rows, height, this.tmp, rowMap);
    const keptCols = cutLines(cols, width, this.tmp, colMap);
    if (keptRows < 0 && keptCols < 0) return null;
    const wc = keptCols < 0 ? width : keptCols;
    if (this.pixels.length < n) this.pixels = new Int32Array(Math.max(n, this.pixels.length * 2));
    const out = this.pixels;
    for (let q = 0; q < n; q++) {
      const p = pixels[q];
      const r = (p / width) | 0;
      const c = p - r * width;
      out[q] = (keptRows < 0 ? r : rowMap[r]) * wc + (keptCols < 0 ? c : colMap[c]);
    }
    return { width: wc, height: keptRows < 0 ? height : keptRows };
  }
}

/**
 * The kept lines of one dimension of n lines, given which lines hold a non-zero pixel: null when the whole
 * dimension is kept, else, per line, its index in the compact image or −1.
 */
export function chaosLines(occupied: Uint8Array, n: number): Int32Array | null {
  const remap = new Int32Array(n);
  return cutLines(occupied, n, new Uint8Array(n), remap) < 0 ? null : remap;
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
  const cut = new ChaosCut(width, height);
  const g = cut.cut(pixels, n);
  return g && { ...g, pixels: cut.pixels.slice(0, n) };
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
