// Measure of chaos (ims-cpp measureOfChaos as used by METASPACE): hand-counted images, float32
// thresholds, and a literal per-level reference (bitmasks, OR-dilation, AND-erosion, flood fill).
import { describe, expect, it } from 'vitest';
import { chaosFromMoc, chaosMetric, measureOfChaos, SparseChaos } from '../../src/core/score/chaos.ts';

/** Literal reading of the C++: bit j set iff v > T_j (consecutive), OR/AND morphology, BFS labelling per level. */
function referenceMoc(img: Float32Array, w: number, h: number, nLevels = 30): number {
  let max = -Infinity;
  for (const v of img) max = Math.max(max, v);
  const t: number[] = [];
  for (let k = 0; k < nLevels; k++) t.push(Math.fround(Math.fround(max * k) / nLevels));
  t.push(3.4028234663852886e38);
  const bits = new Uint32Array(w * h);
  for (let p = 0; p < w * h; p++) for (let j = 0; img[p] > t[j]; j++) bits[p] = ((bits[p] << 1) | 1) >>> 0;
  const dil = bits.slice();
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const m = bits[y * w + x];
      if (x > 0) dil[y * w + x - 1] |= m;
      if (x < w - 1) dil[y * w + x + 1] |= m;
      if (y > 0) dil[(y - 1) * w + x] |= m;
      if (y < h - 1) dil[(y + 1) * w + x] |= m;
    }
  const ero = dil.slice();
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          const yy = y + dy;
          const xx = x + dx;
          if ((dx || dy) && yy >= 0 && yy < h && xx >= 0 && xx < w) ero[y * w + x] &= dil[yy * w + xx];
        }
  let sum = 0;
  for (let k = 0; k < nLevels; k++) {
    const mask = 1 << k;
    const seen = new Uint8Array(w * h);
    let comps = 0;
    for (let p = 0; p < w * h; p++) {
      if (!(ero[p] & mask) || seen[p]) continue;
      comps++;
      const stack = [p];
      seen[p] = 1;
      while (stack.length) {
        const q = stack.pop()!;
        const x = q % w;
        const nb = [x > 0 ? q - 1 : -1, x < w - 1 ? q + 1 : -1, q - w, q + w];
        for (const r of nb) if (r >= 0 && r < w * h && !seen[r] && ero[r] & mask) {
          seen[r] = 1;
          stack.push(r);
        }
      }
    }
    sum += comps;
  }
  let notNull = 0;
  for (const v of img) if (v > 0) notNull++;
  return 1 - sum / nLevels / notNull;
}

const f32 = (a: number[]) => Float32Array.from(a);

describe('measureOfChaos — hand-counted images', () => {
  it('3×3 uniform image: one component at all 30 levels; the border counts as foreground → 1 − 1/9', () => {
    expect(measureOfChaos(f32([1, 1, 1, 1, 1, 1, 1, 1, 1]), 3, 3)).toBeCloseTo(1 - 1 / 9, 14);
  });

  it('single pixel: dilation makes a cross, the 3×3 erosion removes it → 0 components → moc 1 → chaos 0', () => {
    const img = f32([0, 0, 0, 0, 5, 0, 0, 0, 0]);
    expect(measureOfChaos(img, 3, 3)).toBe(1);
    expect(chaosMetric(img, 3, 3)).toBe(0);
  });

  it('3×3 of 1s with one 2: the 1s are above levels 0..14 only (T15 = 1), the erosion trims the 2 → 1 − (15/30)/9', () => {
    const img = f32([1, 1, 1, 1, 1, 1, 1, 1, 2]);
    expect(measureOfChaos(img, 3, 3)).toBeCloseTo(1 - 0.5 / 9, 14);
  });

  it('two blobs 2 columns wide, 3 columns apart, in a 3×7 image: 2 components at every level → 1 − 2/12', () => {
    const row = [1, 1, 0, 0, 0, 1, 1];
    const img = f32([...row, ...row, ...row]);
    expect(measureOfChaos(img, 7, 3)).toBeCloseTo(1 - 2 / 12, 14);
  });

  it('two blobs 2 columns apart merge after the dilation (gap closed) → 1 component', () => {
    const row = [1, 1, 0, 0, 1, 1];
    const img = f32([...row, ...row, ...row]);
    // dilation fills columns 2 and 3 completely; the erosion keeps them (all neighbours set)
    expect(measureOfChaos(img, 6, 3)).toBeCloseTo(1 - 1 / 12, 14);
  });

  it('float32 thresholds: a pixel at exactly float32(0.1) is not above T3 = float32(float32(3·1)/30)', () => {
    // 3×3 of float32(0.1) with a 1 in the middle: T3 = fround(0.1) so those pixels are above levels
    // 0..2 only; after dilation+erosion every pixel has 3 levels → 1 − (3/30)/9. A double threshold
    // 0.1 (< fround(0.1)) would give 4 levels → 1 − (4/30)/9.
    const a = Math.fround(0.1);
    const img = f32([a, a, a, a, 1, a, a, a, a]);
    expect(measureOfChaos(img, 3, 3)).toBeCloseTo(1 - 3 / 30 / 9, 14);
  });

  it('an all-zero image has no non-zero pixel: NaN measure, chaos 0', () => {
    expect(Number.isNaN(measureOfChaos(new Float32Array(9), 3, 3))).toBe(true);
    expect(chaosMetric(new Float32Array(9), 3, 3)).toBe(0);
  });

  it('chaosFromMoc maps values numpy-isclose to 1 to 0', () => {
    expect(chaosFromMoc(1 - 1e-5)).toBe(0);
    expect(chaosFromMoc(1 - 1.002e-5)).toBeCloseTo(1 - 1.002e-5, 15);
    expect(chaosFromMoc(0.97)).toBe(0.97);
  });

  it('rejects n_levels outside 1..32', () => {
    expect(() => measureOfChaos(new Float32Array(4), 2, 2, 33)).toThrow(/1\.\.32/);
  });
});

describe('measureOfChaos — equals the literal per-level reference on random images', () => {
  // deterministic LCG
  let seed = 12345;
  const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  it('300 random sparse/dense images, sizes 1×1..25×25, 30 and 7 levels', () => {
    for (let trial = 0; trial < 300; trial++) {
      const w = 1 + Math.floor(rnd() * 25);
      const h = 1 + Math.floor(rnd() * 25);
      const density = rnd();
      const img = new Float32Array(w * h);
      for (let p = 0; p < w * h; p++) if (rnd() < density) img[p] = rnd() < 0.1 ? 1000 * rnd() : 10 * rnd();
      // blocky blobs too
      if (trial % 3 === 0) for (let p = 0; p < w * h; p++) if ((p % w) % 5 < 3 && Math.floor(p / w) % 4 < 2) img[p] += 50;
      const levels = trial % 2 ? 30 : 7;
      const got = measureOfChaos(img, w, h, levels);
      const exp = referenceMoc(img, w, h, levels);
      if (Number.isNaN(exp)) expect(Number.isNaN(got)).toBe(true);
      else expect(got).toBe(exp);
    }
  });
});

describe('SparseChaos — equals the dense measure on the same image', () => {
  let seed = 4242;
  const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  it('400 random images (sparse noise, blobs, borders, listed zero pixels), one reused instance per size', () => {
    const inst = new Map<string, SparseChaos>();
    for (let trial = 0; trial < 400; trial++) {
      const w = 1 + Math.floor(rnd() * 30);
      const h = 1 + Math.floor(rnd() * 30);
      const key = `${w}x${h}`;
      if (!inst.has(key)) inst.set(key, new SparseChaos(w, h));
      const sc = inst.get(key)!;
      const img = new Float32Array(w * h);
      const listed: number[] = [];
      const density = rnd() < 0.5 ? rnd() * 0.05 : rnd();
      for (let p = 0; p < w * h; p++) {
        if (rnd() < density) {
          img[p] = rnd() < 0.05 ? 0 : Math.fround(rnd() < 0.1 ? 1000 * rnd() : 10 * rnd()); // some listed zeros
          listed.push(p);
        }
      }
      const levels = trial % 3 === 0 ? 7 : 30;
      const dense = measureOfChaos(img, w, h, levels);
      const sparse = sc.measure(Int32Array.from(listed), listed.length, img, levels);
      if (Number.isNaN(dense)) expect(Number.isNaN(sparse)).toBe(true);
      else expect(sparse).toBe(dense);
    }
  });
});
