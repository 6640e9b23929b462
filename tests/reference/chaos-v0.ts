// REFERENCE ONLY (tests): SparseChaos as it was before issue 13 (commit 7ae51ca), for the kernel equivalence test.
function find(parent: Int32Array, i: number): number {
  while (parent[i] !== i) {
    const g = parent[parent[i]];
    parent[i] = g;
    i = g;
  }
  return i;
}
function union(parent: Int32Array, a: number, b: number): number {
  const ra = find(parent, a);
  const rb = find(parent, b);
  if (ra === rb) return 0;
  if (ra < rb) parent[rb] = ra;
  else parent[ra] = rb;
  return 1;
}
export function chaosFromMocV0(moc: number): number {
  if (!Number.isFinite(moc)) return 0;
  return Math.abs(moc - 1.0) <= 1e-8 + 1e-5 ? 0 : moc;
}
export class SparseChaosV0 {
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
   */
  measure(pixels: Int32Array, n: number, image: Float32Array, nLevels = 30, stride = 1): number {
    if (!(nLevels >= 1 && nLevels <= 32) || !Number.isInteger(nLevels)) {
      throw new RangeError(`measureOfChaos: n_levels must be an integer in 1..32 (got ${nLevels})`);
    }
    const w = this.width;
    const h = this.height;
    const area = w * h;
    const { level, dil, ero, added, parent } = this;

    let max = 0; // the dense image has zeros elsewhere, so its max is at least 0
    let notNull = 0;
    for (let q = 0; q < n; q++) {
      const v = image[pixels[q] * stride];
      if (v > max) max = v;
      if (v > 0) notNull++;
    }
    if (notNull === 0) return NaN; // 1 − 0/0 in the C++
    const t = this.thresholds;
    for (let k = 0; k < nLevels; k++) t[k] = Math.fround(Math.fround(max * k) / nLevels);

    // Level counts of the non-zero pixels.
    if (this.listA.length < n) this.listA = new Int32Array(Math.max(n, this.listA.length * 2));
    const A = this.listA;
    let nA = 0;
    for (let q = 0; q < n; q++) {
      const p = pixels[q];
      const v = image[p * stride];
      let j = 0;
      while (j < nLevels && v > t[j]) j++;
      if (j > 0) {
        level[p] = j;
        A[nA++] = p;
      }
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
      for (let yy = y0; yy <= y1 && m > 0; yy++) {
        const row = yy * w;
        for (let xx = x0; xx <= x1; xx++) {
          const v = dil[row + xx];
          if (v < m) m = v;
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
