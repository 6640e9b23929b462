// Stable sort of a peak bucket by m/z: LSD radix sort on the IEEE-754 bits of non-negative float64 m/z (for
// x >= 0 the bit patterns order like the numbers), carrying intensity and pixel along (no random gather).
// 8-bit digits keep the scatter targets few enough to stay in cache; passes whose digit is the same for every
// value are skipped (inside one narrow m/z bucket the high bytes rarely vary). LSD counting sort is stable, so
// equal m/z keep their insertion (= spectrum) order. Assumes a little-endian platform (x86, ARM), as the ibd
// decoding does.
import type { Segment } from '../types.ts';

const D = 8;
const R = 1 << D;
const PASSES = 64 / D;

/** Exact 64-bit LSD radix sort (the fallback of sortPeaksByMz). */
export function radixSortPeaksByMz(mzIn: Float64Array, intensityIn: Float32Array, pixelIn: Uint32Array, n: number): Segment {
  const words = new Uint32Array(mzIn.buffer, mzIn.byteOffset, n * 2);
  const ibits = new Uint32Array(intensityIn.buffer, intensityIn.byteOffset, n);
  let lo = new Uint32Array(n), hi = new Uint32Array(n), it = new Uint32Array(n), px = new Uint32Array(n);
  const hist = new Uint32Array(PASSES * R);
  for (let i = 0; i < n; i++) {
    const l = words[2 * i], u = words[2 * i + 1];
    lo[i] = l; hi[i] = u; it[i] = ibits[i]; px[i] = pixelIn[i];
    hist[l & 255]++;
    hist[256 + ((l >>> 8) & 255)]++;
    hist[512 + ((l >>> 16) & 255)]++;
    hist[768 + (l >>> 24)]++;
    hist[1024 + (u & 255)]++;
    hist[1280 + ((u >>> 8) & 255)]++;
    hist[1536 + ((u >>> 16) & 255)]++;
    hist[1792 + (u >>> 24)]++;
  }
  if (n > 1) {
    let lo2 = new Uint32Array(n), hi2 = new Uint32Array(n), it2 = new Uint32Array(n), px2 = new Uint32Array(n);
    for (let p = 0; p < PASSES; p++) {
      const base = p * R;
      const shift = (p & 3) * 8;
      const d0 = ((p < 4 ? lo[0] : hi[0]) >>> shift) & 255;
      if (hist[base + d0] === n) continue; // every value has this digit: the pass would move nothing
      let sum = 0;
      for (let d = 0; d < R; d++) { const c = hist[base + d]; hist[base + d] = sum; sum += c; }
      if (p < 4) {
        for (let i = 0; i < n; i++) {
          const l = lo[i];
          const q = hist[base + ((l >>> shift) & 255)]++;
          lo2[q] = l; hi2[q] = hi[i]; it2[q] = it[i]; px2[q] = px[i];
        }
      } else {
        for (let i = 0; i < n; i++) {
          const u = hi[i];
          const q = hist[base + ((u >>> shift) & 255)]++;
          lo2[q] = lo[i]; hi2[q] = u; it2[q] = it[i]; px2[q] = px[i];
        }
      }
      let t = lo; lo = lo2; lo2 = t;
      t = hi; hi = hi2; hi2 = t;
      t = it; it = it2; it2 = t;
      t = px; px = px2; px2 = t;
    }
  }
  const mz = new Float64Array(n);
  const ow = new Uint32Array(mz.buffer);
  for (let i = 0; i < n; i++) { ow[2 * i] = lo[i]; ow[2 * i + 1] = hi[i]; }
  return { mz, intensity: new Float32Array(it.buffer, 0, n), pixel: px };
}

const QBITS = 11; // two passes of 11-bit digits over a 22-bit quantised key
const QR = 1 << QBITS;
const QMAX = QR * QR - 1;

/**
 * Returns new arrays holding the first n peaks of the columns sorted by m/z (stable).
 * Fast path: a 22-bit key (m/z quantised over the bucket's range; monotone, so it never inverts two values)
 * sorted by two stable counting passes, then a stable insertion pass fixes the order inside equal keys. When
 * values cluster so that the insertion pass would need more than a few moves per peak, the exact 64-bit radix
 * sort is used instead.
 */
export function sortPeaksByMz(mzIn: Float64Array, intensityIn: Float32Array, pixelIn: Uint32Array, n: number): Segment {
  if (n < 2) return radixSortPeaksByMz(mzIn, intensityIn, pixelIn, n);
  let mn = Infinity, mx = -Infinity;
  for (let i = 0; i < n; i++) { const m = mzIn[i]; if (m < mn) mn = m; if (m > mx) mx = m; }
  const scale = mx > mn ? QMAX / (mx - mn) : 0;
  let key = new Uint32Array(n), idx = new Uint32Array(n);
  const h0 = new Uint32Array(QR), h1 = new Uint32Array(QR);
  for (let i = 0; i < n; i++) {
    let k = Math.floor((mzIn[i] - mn) * scale);
    if (k > QMAX) k = QMAX;
    key[i] = k;
    h0[k & (QR - 1)]++;
    h1[k >>> QBITS]++;
  }
  let key2 = new Uint32Array(n), idx2 = new Uint32Array(n);
  let s0 = 0, s1 = 0;
  for (let d = 0; d < QR; d++) { const c0 = h0[d]; h0[d] = s0; s0 += c0; const c1 = h1[d]; h1[d] = s1; s1 += c1; }
  for (let i = 0; i < n; i++) { const k = key[i]; const q = h0[k & (QR - 1)]++; key2[q] = k; idx2[q] = i; }
  for (let i = 0; i < n; i++) { const k = key2[i]; const q = h1[k >>> QBITS]++; key[q] = k; idx[q] = idx2[i]; }
  // Gather (the bucket is small enough to stay in cache), then the stable insertion fix-up with a move budget.
  const mz = new Float64Array(n), intensity = new Float32Array(n), pixel = new Uint32Array(n);
  for (let i = 0; i < n; i++) { const q = idx[i]; mz[i] = mzIn[q]; intensity[i] = intensityIn[q]; pixel[i] = pixelIn[q]; }
  let budget = 8 * n;
  for (let i = 1; i < n; i++) {
    const m = mz[i];
    if (!(mz[i - 1] > m)) continue;
    const it = intensity[i], px = pixel[i];
    let j = i;
    while (j > 0 && mz[j - 1] > m) { mz[j] = mz[j - 1]; intensity[j] = intensity[j - 1]; pixel[j] = pixel[j - 1]; j--; }
    mz[j] = m; intensity[j] = it; pixel[j] = px;
    budget -= i - j;
    if (budget < 0) return radixSortPeaksByMz(mzIn, intensityIn, pixelIn, n);
  }
  return { mz, intensity, pixel };
}
