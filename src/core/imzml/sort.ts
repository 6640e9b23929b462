// Stable sort of a peak bucket by m/z, carrying intensity and pixel along (typed columns, no per-peak objects).
// Main path: a distribution (bin) sort. Each value gets a key linear in m/z over the range's [min, max] (monotone,
// so it never inverts two values). Ranges up to CHUNK peaks: one counting pass and one scatter with about one bin
// per value. Larger ranges: one fine key whose top bits pick one of <= 256 parts (a scatter into few sequential
// streams) and whose low bits pick the bin inside the part (a scatter within a cache-sized piece). Scatters keep
// input order within a bin, so the sort is stable. Bins that still hold many values (clustered m/z, e.g. one ion
// seen in every spectrum) are sorted again over their own narrower range, and a final insertion pass orders the few
// values left in each small bin (it moves only strictly greater values, so equal m/z keep their input = spectrum
// order). When the recursion gets deep (pathological spacing) the range falls back to the exact LSD radix sort on
// the IEEE-754 bits (for x >= 0 the bit patterns order like the numbers).
// Measured (bench/ingest.ts data, loaded 2-core VM): about as fast per peak as the previous quantised-key LSD +
// gather sort on 150k-peak buckets, but it also sorts 1M-peak buckets in place through reused scratch, which lets
// a bucket be its segment (no join copy, no fresh output pages). Assumes a little-endian platform (x86, ARM), as
// the ibd decoding does.
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

/** Bins holding more values than this are bin-sorted again; smaller ones are left to the final insertion pass. */
const SMALL = 24;
/** Ranges up to this many peaks are bin-sorted directly: their columns, keys and bins stay in the L2 cache. */
const CHUNK = 8192;
/** A larger range is first partitioned by its top key bits into at most this many parts (sequential streams). */
const MAX_PARTS = 256;
const MAX_DEPTH = 8;

// Scratch reused across calls (one module instance per thread/worker): keys, and one column set per recursion level.
let keyScratch = new Uint32Array(0);
const scratch: { mz: Float64Array; it: Float32Array; px: Uint32Array; key: Uint32Array }[] = [];

function keys(n: number): Uint32Array {
  if (keyScratch.length < n) keyScratch = new Uint32Array(Math.max(n, keyScratch.length * 2));
  return keyScratch;
}

function level(d: number, n: number): { mz: Float64Array; it: Float32Array; px: Uint32Array; key: Uint32Array } {
  let s = scratch[d];
  if (!s || s.mz.length < n) {
    const cap = Math.max(n, s ? s.mz.length * 2 : 0);
    s = { mz: new Float64Array(cap), it: new Float32Array(cap), px: new Uint32Array(cap), key: new Uint32Array(cap) };
    scratch[d] = s;
  }
  return s;
}

/**
 * Moves src[so..so+n) to dst[at..at+n) ordered by a key linear in m/z over [min, max] with `nb` bins, stable within
 * a bin. Returns the bin end offsets (relative to `at`; index b = end of bin b), or null when all m/z are equal
 * (then the copy keeps input order, which is already the stable order).
 */
function distribute(
  sMz: Float64Array, sIt: Float32Array, sPx: Uint32Array, so: number, n: number,
  dMz: Float64Array, dIt: Float32Array, dPx: Uint32Array, at: number, nbWanted: number,
): Uint32Array | null {
  let mn = Infinity, mx = -Infinity;
  const se = so + n;
  for (let i = so; i < se; i++) { const m = sMz[i]; if (m < mn) mn = m; if (m > mx) mx = m; }
  if (!(mx > mn)) {
    dMz.set(sMz.subarray(so, se), at); dIt.set(sIt.subarray(so, se), at); dPx.set(sPx.subarray(so, se), at);
    return null;
  }
  const nb = nbWanted;
  const top = nb - 1;
  const scale = nb / (mx - mn);
  const key = keys(n);
  const pos = new Uint32Array(nb + 1);
  for (let i = 0; i < n; i++) {
    let k = ((sMz[so + i] - mn) * scale) >>> 0;
    if (k > top) k = top;
    key[i] = k;
    pos[k + 1]++;
  }
  for (let b = 0; b < nb; b++) pos[b + 1] += pos[b];
  // pos[b] = start of bin b; the scatter advances it to the end of bin b.
  for (let i = 0; i < n; i++) {
    const q = at + pos[key[i]]++;
    const j = so + i;
    dMz[q] = sMz[j]; dIt[q] = sIt[j]; dPx[q] = sPx[j];
  }
  return pos;
}

/** Bins holding more than SMALL values (clustered m/z) are copied out and sorted again over their own range. */
function sortCrowdedBins(dMz: Float64Array, dIt: Float32Array, dPx: Uint32Array, at: number, ends: Uint32Array, nb: number, d: number): void {
  let s = 0;
  for (let b = 0; b < nb; b++) {
    const e = ends[b];
    if (e - s > SMALL) {
      const t = level(d, e - s);
      t.mz.set(dMz.subarray(at + s, at + e)); t.it.set(dIt.subarray(at + s, at + e)); t.px.set(dPx.subarray(at + s, at + e));
      sortInto(t.mz, t.it, t.px, 0, e - s, dMz, dIt, dPx, at + s, d + 1);
    }
    s = e;
  }
}

/** Sorts src[so..so+n) into dst[at..at+n) (stable up to the final insertion pass), at recursion depth d. */
function sortInto(
  sMz: Float64Array, sIt: Float32Array, sPx: Uint32Array, so: number, n: number,
  dMz: Float64Array, dIt: Float32Array, dPx: Uint32Array, at: number, d: number,
): void {
  if (n <= SMALL || d > MAX_DEPTH) {
    if (n > SMALL) {
      // pathological spacing: the exact bit-pattern radix sort
      const r = radixSortPeaksByMz(sMz.slice(so, so + n), sIt.slice(so, so + n), sPx.slice(so, so + n), n);
      dMz.set(r.mz, at); dIt.set(r.intensity, at); dPx.set(r.pixel, at);
    } else {
      dMz.set(sMz.subarray(so, so + n), at); dIt.set(sIt.subarray(so, so + n), at); dPx.set(sPx.subarray(so, so + n), at);
      insertionPass(dMz, dIt, dPx, at, at + n);
    }
    return;
  }
  if (n <= CHUNK) {
    const ends = distribute(sMz, sIt, sPx, so, n, dMz, dIt, dPx, at, n);
    if (!ends) return;
    sortCrowdedBins(dMz, dIt, dPx, at, ends, n, d);
    // the few values left unordered inside each small bin, while the range is still in cache
    insertionPass(dMz, dIt, dPx, at, at + n);
    return;
  }
  // Two levels from one key: a fine key with `parts * fine` bins over [min, max]; its top bits pick the part (a
  // scatter into at most MAX_PARTS sequential streams), its low bits the bin inside the part (a scatter within a
  // cache-sized piece). floor(floor(x * F) / F) = floor(x), so both levels agree and nothing is computed twice.
  let mn = Infinity, mx = -Infinity;
  const se = so + n;
  for (let i = so; i < se; i++) { const m = sMz[i]; if (m < mn) mn = m; if (m > mx) mx = m; }
  if (!(mx > mn)) {
    dMz.set(sMz.subarray(so, se), at); dIt.set(sIt.subarray(so, se), at); dPx.set(sPx.subarray(so, se), at);
    return;
  }
  let parts = 2;
  while (parts < MAX_PARTS && parts * CHUNK < n) parts *= 2;
  let fineBits = 0;
  while ((parts << fineBits) < n && fineBits < 16) fineBits++;
  const fine = 1 << fineBits, fmask = fine - 1;
  const total = parts * fine;
  const top = total - 1;
  const scale = total / (mx - mn);
  const key = keys(n);
  const pcount = new Uint32Array(parts + 1);
  for (let i = 0; i < n; i++) {
    let k = ((sMz[so + i] - mn) * scale) >>> 0;
    if (k > top) k = top;
    key[i] = k;
    pcount[(k >>> fineBits) + 1]++;
  }
  for (let b = 0; b < parts; b++) pcount[b + 1] += pcount[b];
  const t = level(d, n);
  const tMz = t.mz, tIt = t.it, tPx = t.px, tKey = t.key;
  for (let i = 0; i < n; i++) {
    const k = key[i];
    const q = pcount[k >>> fineBits]++;
    const j = so + i;
    tMz[q] = sMz[j]; tIt[q] = sIt[j]; tPx[q] = sPx[j]; tKey[q] = k;
  }
  const pos = new Uint32Array(fine + 1);
  let s = 0;
  for (let p = 0; p < parts; p++) {
    const e = pcount[p];
    const c = e - s;
    if (c <= SMALL) {
      if (c > 0) {
        dMz.set(tMz.subarray(s, e), at + s); dIt.set(tIt.subarray(s, e), at + s); dPx.set(tPx.subarray(s, e), at + s);
        insertionPass(dMz, dIt, dPx, at + s, at + e);
      }
      s = e;
      continue;
    }
    pos.fill(0);
    for (let i = s; i < e; i++) pos[(tKey[i] & fmask) + 1]++;
    for (let b = 0; b < fine; b++) pos[b + 1] += pos[b];
    const base = at + s;
    for (let i = s; i < e; i++) {
      const q = base + pos[tKey[i] & fmask]++;
      dMz[q] = tMz[i]; dIt[q] = tIt[i]; dPx[q] = tPx[i];
    }
    // crowded bins (clustered m/z): copy out and sort again over their own range
    let bs = 0;
    for (let b = 0; b < fine; b++) {
      const be = pos[b];
      if (be - bs > SMALL) {
        const u = level(d + 1, be - bs);
        u.mz.set(dMz.subarray(base + bs, base + be)); u.it.set(dIt.subarray(base + bs, base + be)); u.px.set(dPx.subarray(base + bs, base + be));
        sortInto(u.mz, u.it, u.px, 0, be - bs, dMz, dIt, dPx, base + bs, d + 2);
      }
      bs = be;
    }
    insertionPass(dMz, dIt, dPx, base, base + c);
    s = e;
  }
}

/** Stable insertion pass over [start, end): cheap because every value is already within its small bin. */
function insertionPass(mz: Float64Array, it: Float32Array, px: Uint32Array, start: number, end: number): void {
  for (let i = start + 1; i < end; i++) {
    const m = mz[i];
    if (!(mz[i - 1] > m)) continue;
    const iv = it[i], pv = px[i];
    let j = i;
    while (j > start && mz[j - 1] > m) { mz[j] = mz[j - 1]; it[j] = it[j - 1]; px[j] = px[j - 1]; j--; }
    mz[j] = m; it[j] = iv; px[j] = pv;
  }
}

/**
 * Writes the first n peaks of the input columns, sorted by m/z (stable), to out*[at..at+n). The input is not
 * modified. m/z must be finite and >= 0 (ingest checks the range and maps -0 to +0).
 */
export function sortPeaksInto(
  mzIn: Float64Array, intensityIn: Float32Array, pixelIn: Uint32Array, n: number,
  outMz: Float64Array, outIntensity: Float32Array, outPixel: Uint32Array, at: number,
): void {
  if (n === 0) return;
  sortInto(mzIn, intensityIn, pixelIn, 0, n, outMz, outIntensity, outPixel, at, 0);
}

let outScratch: { mz: Float64Array; it: Float32Array; px: Uint32Array } | null = null;

/**
 * Sorts the first n peaks of the columns in place (stable). The sorted order is built in a scratch set that is
 * reused from call to call and copied back: writing into memory already touched is several times cheaper than
 * into fresh pages (measured ~6 ns per 8 bytes of first-touch page faults on the bench machine).
 */
export function sortPeaksInPlace(mz: Float64Array, intensity: Float32Array, pixel: Uint32Array, n: number): void {
  if (n < 2) return;
  if (n > CHUNK) {
    // The partition pass reads the whole input into scratch before anything is written back, so the columns can
    // be both source and destination.
    sortInto(mz, intensity, pixel, 0, n, mz, intensity, pixel, 0, 0);
    return;
  }
  if (!outScratch || outScratch.mz.length < n) {
    outScratch = null; // let the old set go before allocating the bigger one
    outScratch = { mz: new Float64Array(n), it: new Float32Array(n), px: new Uint32Array(n) };
  }
  const o = outScratch;
  sortPeaksInto(mz, intensity, pixel, n, o.mz, o.it, o.px, 0);
  mz.set(o.mz.subarray(0, n)); intensity.set(o.it.subarray(0, n)); pixel.set(o.px.subarray(0, n));
}

/** Releases the scratch buffers kept between sorts (call after a dataset is done). */
export function releaseSortScratch(): void {
  outScratch = null;
  scratch.length = 0;
  keyScratch = new Uint32Array(0);
}

/** Returns new arrays holding the first n peaks of the columns sorted by m/z (stable). */
export function sortPeaksByMz(mzIn: Float64Array, intensityIn: Float32Array, pixelIn: Uint32Array, n: number): Segment {
  const mz = new Float64Array(n), intensity = new Float32Array(n), pixel = new Uint32Array(n);
  sortPeaksInto(mzIn, intensityIn, pixelIn, n, mz, intensity, pixel, 0);
  return { mz, intensity, pixel };
}
