// Spatial chaos (spec §6): ims-cpp `measureOfChaos` as called by METASPACE's `chaos_metric`.
//
// The C++ packs each pixel's level-set membership into a bitmask with consecutive low bits (the
// thresholds are non-decreasing, so a pixel above level k is above every lower level), dilates by
// OR-ing the 4-neighbours and erodes by AND-ing the in-bounds 3×3 neighbourhood. On such masks OR is
// a max and AND a min of the level count, so we keep one small integer per pixel. Dilation and erosion
// are monotone, so the level sets stay nested afterwards, and the 4-connected components of every
// level can be counted in one sweep from the top level down with an incremental union-find instead of
// one labelling pass per level. Same counts, ~30× less work.

const FLT_MAX = 3.4028234663852886e38;

/** Reusable buffers for measureOfChaos (grown on demand), so the hot path allocates nothing per ion. */
export class ChaosScratch {
  level = new Uint8Array(0);
  dil = new Uint8Array(0);
  parent = new Int32Array(0);
  order = new Int32Array(0);
  thresholds = new Float32Array(33);
  bucketStart = new Int32Array(34);
  counts = new Int32Array(33);

  ensure(area: number): void {
    if (this.level.length < area) {
      const n = Math.max(area, this.level.length * 2);
      this.level = new Uint8Array(n);
      this.dil = new Uint8Array(n);
      this.parent = new Int32Array(n);
      this.order = new Int32Array(n);
    }
  }
}

function find(parent: Int32Array, i: number): number {
  while (parent[i] !== i) {
    const g = parent[parent[i]];
    parent[i] = g;
    i = g;
  }
  return i;
}

/**
 * Raw measure of chaos of a w×h float32 image (row-major): 1 − mean component count / non-zero
 * pixels, exactly as ims-cpp computes it (NaN when the image has no pixel > 0).
 */
export function measureOfChaos(
  image: Float32Array,
  width: number,
  height: number,
  nLevels = 30,
  scratch: ChaosScratch = new ChaosScratch(),
): number {
  if (!(nLevels >= 1 && nLevels <= 32) || !Number.isInteger(nLevels)) {
    throw new RangeError(`measureOfChaos: n_levels must be an integer in 1..32 (got ${nLevels})`);
  }
  const area = width * height;
  if (image.length < area) {
    throw new RangeError(`measureOfChaos: image has ${image.length} values, expected ${width}×${height} = ${area}`);
  }
  scratch.ensure(area);
  const level = scratch.level;
  const dil = scratch.dil;

  let max = -Infinity;
  let notNull = 0;
  for (let p = 0; p < area; p++) {
    const v = image[p];
    if (v > max) max = v;
    if (v > 0) notNull++;
  }
  if (area === 0) return NaN;

  // Thresholds in float32 arithmetic as the C++: float(max * i) / n_levels. Double rounding through
  // a double intermediate is harmless for a single float32 * or / (53 ≥ 2·24 + 2).
  const t = scratch.thresholds;
  for (let k = 0; k < nLevels; k++) t[k] = Math.fround(Math.fround(max * k) / nLevels);
  t[nLevels] = FLT_MAX;

  // Level count per pixel: how many thresholds (from the lowest, consecutively) it exceeds.
  for (let p = 0; p < area; p++) {
    const v = image[p];
    let j = 0;
    while (j < nLevels && v > t[j]) j++;
    level[p] = j;
  }

  // Dilation with the 4-neighbour cross (max of level counts).
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const p = row + x;
      let m = level[p];
      if (x > 0 && level[p - 1] > m) m = level[p - 1];
      if (x < width - 1 && level[p + 1] > m) m = level[p + 1];
      if (y > 0 && level[p - width] > m) m = level[p - width];
      if (y < height - 1 && level[p + width] > m) m = level[p + width];
      dil[p] = m;
    }
  }
  // Erosion with the full 3×3 square (min); neighbours outside the image are ignored.
  for (let y = 0; y < height; y++) {
    const y0 = y > 0 ? y - 1 : y;
    const y1 = y < height - 1 ? y + 1 : y;
    for (let x = 0; x < width; x++) {
      const x0 = x > 0 ? x - 1 : x;
      const x1 = x < width - 1 ? x + 1 : x;
      let m = dil[y * width + x];
      for (let yy = y0; yy <= y1 && m > 0; yy++) {
        const row = yy * width;
        for (let xx = x0; xx <= x1; xx++) {
          const v = dil[row + xx];
          if (v < m) m = v;
        }
      }
      level[y * width + x] = m; // `level` now holds the eroded counts
    }
  }

  // Bucket the pixels by eroded level count (counting sort), highest first.
  const start = scratch.bucketStart;
  start.fill(0, 0, nLevels + 2);
  for (let p = 0; p < area; p++) start[level[p] + 1]++;
  for (let k = 1; k <= nLevels + 1; k++) start[k] += start[k - 1];
  const order = scratch.order;
  const fill = scratch.counts; // temporary cursor per bucket
  for (let k = 0; k <= nLevels; k++) fill[k] = start[k];
  for (let p = 0; p < area; p++) order[fill[level[p]]++] = p;

  // Sweep levels from the top: level set k = {count > k}; add pixels with count k+1, union with
  // already present 4-neighbours; components = added − successful unions.
  const parent = scratch.parent;
  let components = 0;
  let sum = 0;
  for (let k = nLevels - 1; k >= 0; k--) {
    const lv = k + 1;
    for (let q = start[lv], e = start[lv + 1]; q < e; q++) {
      const p = order[q];
      parent[p] = p;
      components++;
      const x = p % width;
      // A neighbour is already present iff its count is higher (added in an earlier step) or equal
      // and its index smaller (same bucket, stored in ascending index order by the stable sort).
      if (x > 0 && level[p - 1] >= lv) components -= union(parent, p, p - 1);
      if (p >= width && level[p - width] >= lv) components -= union(parent, p, p - width);
      if (x < width - 1 && level[p + 1] > lv) components -= union(parent, p, p + 1);
      if (p + width < area && level[p + width] > lv) components -= union(parent, p, p + width);
    }
    sum += components;
  }
  const avg = sum / nLevels;
  return 1.0 - avg / notNull;
}

/** Unites the sets of a and b; returns 1 if they were different. */
function union(parent: Int32Array, a: number, b: number): number {
  const ra = find(parent, a);
  const rb = find(parent, b);
  if (ra === rb) return 0;
  if (ra < rb) parent[rb] = ra;
  else parent[ra] = rb;
  return 1;
}

/**
 * METASPACE's chaos metric from a raw measure of chaos: 0 for an image without any pixel > 0 and
 * when the measure is numpy-isclose to 1 (|moc − 1| <= 1e-8 + 1e-5), else the measure.
 */
export function chaosFromMoc(moc: number): number {
  if (!Number.isFinite(moc)) return 0;
  return Math.abs(moc - 1.0) <= 1e-8 + 1e-5 ? 0 : moc;
}

/** Chaos metric of a dense w×h image (METASPACE `chaos_metric` with n_levels). */
export function chaosMetric(image: Float32Array, width: number, height: number, nLevels = 30): number {
  return chaosFromMoc(measureOfChaos(image, width, height, nLevels));
}

/**
 * Measure of chaos of a sparse image on a w×h grid, given as a list of distinct pixel indices and
 * their float32 values (pixels not listed are 0). Same result as `measureOfChaos` on the dense image,
 * but the cost grows with the number of listed pixels, not with the image area: after the dilation
 * only pixels within the 4-neighbourhood of a non-zero pixel can be set, and the erosion can only
 * shrink that support. All buffers are dense h×w scratch arrays that are re-zeroed on the touched
 * pixels only, so one instance serves every ion of a dataset.
 */
export class SparseChaos {
  private readonly level: Uint8Array;
  private readonly dil: Uint8Array;
  private readonly ero: Uint8Array;
  private readonly added: Uint8Array;
  private readonly parent: Int32Array;
  private listA = new Int32Array(64); // pixels with level > 0
  private listS = new Int32Array(256); // dilation support
  private listB = new Int32Array(256); // erosion support, bucketed by level
  private readonly thresholds = new Float32Array(33);
  private readonly start = new Int32Array(34);
  private readonly cursor = new Int32Array(34);

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    const area = width * height;
    this.level = new Uint8Array(area);
    this.dil = new Uint8Array(area);
    this.ero = new Uint8Array(area);
    this.added = new Uint8Array(area);
    this.parent = new Int32Array(area);
  }

  /**
   * @param pixels distinct pixel indices (row-major, < width*height); only the first `n` are used
   * @param image dense float32 image holding the value of pixel p at image[p * stride] (other pixels
   *   are not read); stride > 1 reads one plane of an interleaved multi-image array
   * @param w grid width and height the pixel indices refer to (default: this instance's; may be smaller)
   */
  measure(pixels: Int32Array, n: number, image: Float32Array, nLevels = 30, stride = 1, w = this.width, h = this.height): number {
    if (!(nLevels >= 1 && nLevels <= 32) || !Number.isInteger(nLevels)) {
      throw new RangeError(`measureOfChaos: n_levels must be an integer in 1..32 (got ${nLevels})`);
    }
    // a smaller grid (METASPACE's cut of the image, chaos-compact.ts) reuses the same scratch
    if (w * h > this.width * this.height) throw new RangeError(`SparseChaos: a ${w}×${h} grid does not fit the ${this.width}×${this.height} scratch`);
    const area = w * h;
    const { level, dil, ero, added, parent } = this;

    let max = 0; // the dense image has zeros elsewhere, so its max is at least 0
    let notNull = 0;
    let pMin = area;
    let pMax = -1;
    for (let q = 0; q < n; q++) {
      const p = pixels[q];
      const v = image[p * stride];
      if (v > max) max = v;
      if (v > 0) notNull++;
      if (p < pMin) pMin = p;
      if (p > pMax) pMax = p;
    }
    if (notNull === 0) return NaN; // 1 − 0/0 in the C++
    // A large image (its pixels fill ≥ 1/8 of their index range) is walked in row-major order: the lists
    // are rebuilt by scanning the scratch over that range, so the dilation, erosion and union-find read
    // memory sequentially instead of in the peaks' random pixel order (~3× faster on a 50k-pixel image).
    // The component counts do not depend on the order the pixels are visited in.
    const rowMajor = n >= 1024 && n * 8 >= pMax - pMin + 1;
    const t = this.thresholds;
    for (let k = 0; k < nLevels; k++) t[k] = Math.fround(Math.fround(max * k) / nLevels);

    // Level counts of the non-zero pixels.
    if (this.listA.length < n) this.listA = new Int32Array(Math.max(n, this.listA.length * 2));
    const A = this.listA;
    let nA = 0;
    const scale = nLevels / max;
    for (let q = 0; q < n; q++) {
      const p = pixels[q];
      const v = image[p * stride];
      // the level count is the length of the prefix of (non-decreasing) thresholds below v: start from
      // the estimate v/max·n and settle it against the float32 thresholds in both directions
      let j = (v * scale) | 0;
      if (!(j > 0)) j = 0;
      else if (j > nLevels) j = nLevels;
      while (j < nLevels && v > t[j]) j++;
      while (j > 0 && !(v > t[j - 1])) j--;
      if (j > 0) {
        level[p] = j;
        A[nA++] = p;
      }
    }
    if (rowMajor) {
      nA = 0;
      for (let p = pMin; p <= pMax; p++) if (level[p] !== 0) A[nA++] = p;
    }

    // Dilation by scattering each level into its cross; S = pixels touched.
    if (this.listS.length < nA * 5) this.listS = new Int32Array(Math.max(nA * 5, this.listS.length * 2));
    const S = this.listS;
    let nS = 0;
    for (let q = 0; q < nA; q++) {
      const p = A[q];
      const lv = level[p];
      const x = p % w;
      if (dil[p] === 0) S[nS++] = p;
      if (lv > dil[p]) dil[p] = lv;
      if (x > 0) {
        if (dil[p - 1] === 0) S[nS++] = p - 1;
        if (lv > dil[p - 1]) dil[p - 1] = lv;
      }
      if (x < w - 1) {
        if (dil[p + 1] === 0) S[nS++] = p + 1;
        if (lv > dil[p + 1]) dil[p + 1] = lv;
      }
      if (p >= w) {
        if (dil[p - w] === 0) S[nS++] = p - w;
        if (lv > dil[p - w]) dil[p - w] = lv;
      }
      if (p + w < area) {
        if (dil[p + w] === 0) S[nS++] = p + w;
        if (lv > dil[p + w]) dil[p + w] = lv;
      }
    }
    if (rowMajor) {
      const lo = pMin >= w ? pMin - w : 0;
      const hi = pMax + w < area ? pMax + w : area - 1;
      nS = 0;
      for (let p = lo; p <= hi; p++) if (dil[p] !== 0) S[nS++] = p;
    }

    // Erosion (min over the in-bounds 3×3) on the support; bucket the survivors by level.
    const start = this.start;
    start.fill(0, 0, nLevels + 2);
    let nB = 0;
    for (let q = 0; q < nS; q++) {
      const p = S[q];
      const y = (p / w) | 0;
      const x = p - y * w;
      const y0 = y > 0 ? y - 1 : y;
      const y1 = y < h - 1 ? y + 1 : y;
      const x0 = x > 0 ? x - 1 : x;
      const x1 = x < w - 1 ? x + 1 : x;
      let m = dil[p];
      // stop at the first zero: most support pixels of a scattered image have one among their first reads
      scan: for (let yy = y0; yy <= y1; yy++) {
        const row = yy * w;
        for (let xx = x0; xx <= x1; xx++) {
          const v = dil[row + xx];
          if (v < m) {
            m = v;
            if (m === 0) break scan;
          }
        }
      }
      ero[p] = m;
      if (m > 0) {
        start[m + 1]++;
        nB++;
      }
    }
    for (let k = 1; k <= nLevels + 1; k++) start[k] += start[k - 1];
    if (this.listB.length < nB) this.listB = new Int32Array(Math.max(nB, this.listB.length * 2));
    const B = this.listB;
    const cur = this.cursor;
    for (let k = 0; k <= nLevels; k++) cur[k] = start[k];
    for (let q = 0; q < nS; q++) {
      const p = S[q];
      const m = ero[p];
      if (m > 0) B[cur[m]++] = p;
    }

    // Components per level, from the top level down (see measureOfChaos).
    let components = 0;
    let sum = 0;
    for (let k = nLevels - 1; k >= 0; k--) {
      const lv = k + 1;
      for (let q = start[lv], e = start[lv + 1]; q < e; q++) {
        const p = B[q];
        parent[p] = p;
        added[p] = 1;
        components++;
        const x = p % w;
        if (x > 0 && added[p - 1]) components -= union(parent, p, p - 1);
        if (x < w - 1 && added[p + 1]) components -= union(parent, p, p + 1);
        if (p >= w && added[p - w]) components -= union(parent, p, p - w);
        if (p + w < area && added[p + w]) components -= union(parent, p, p + w);
      }
      sum += components;
    }

    // Re-zero the scratch on the touched pixels.
    for (let q = 0; q < nA; q++) level[A[q]] = 0;
    for (let q = 0; q < nS; q++) {
      const p = S[q];
      dil[p] = 0;
      ero[p] = 0;
    }
    for (let q = 0; q < nB; q++) added[B[q]] = 0;

    const avg = sum / nLevels;
    return 1.0 - avg / notNull;
  }
}
