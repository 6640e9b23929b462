// Cache of whole centroid tables. One entry = the centroids of one ordered list of ion formulas for
// one (charge, sigma, algorithm version): a database run asks for its full list at once, so keying
// the table by a hash of the list is far cheaper than one entry per formula. Entries carry the
// formula list so a hash collision can be detected (the caller compares before trusting a hit).
import type { CentroidTable } from '../types.ts';

export interface CachedCentroidTable {
  ionFormulas: string[];
  table: CentroidTable;
  errors: (string | null)[];
}

export interface CentroidCache {
  get(key: string): Promise<CachedCentroidTable | undefined>;
  set(key: string, value: CachedCentroidTable): Promise<void>;
}

/** FNV-1a over UTF-16 code units, two independent 32-bit lanes → 16 hex chars. */
function hash64(parts: readonly string[]): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ 0x5bd1e995;
  for (const s of parts) {
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995) ^ (h2 >>> 15);
    }
    h1 = Math.imul(h1 ^ 10, 0x01000193); // separator
    h2 = Math.imul(h2 ^ 10, 0x5bd1e995) ^ (h2 >>> 15);
  }
  return (h1 >>> 0).toString(16).padStart(8, '0') + (h2 >>> 0).toString(16).padStart(8, '0');
}

/** Key of (formula list, charge, sigma, algorithm version); safe as a file name. */
export function centroidCacheKey(
  ionFormulas: readonly string[],
  charge: 1 | -1,
  sigma: number,
  algorithmVersion: string,
): string {
  const ver = algorithmVersion.replace(/[^A-Za-z0-9.-]/g, '_');
  return `${ver}_z${charge > 0 ? 'p' : 'n'}_s${sigma.toFixed(6)}_n${ionFormulas.length}_${hash64(ionFormulas)}`;
}

/** In-memory cache (tests, one CLI run, a worker's lifetime). Tables are shared, not copied. With `maxEntries`,
 *  the least recently used entry goes first (a table of a large DB can take hundreds of MB). */
export class MemoryCentroidCache implements CentroidCache {
  private readonly map = new Map<string, CachedCentroidTable>();
  constructor(private readonly maxEntries = Infinity) {}
  get size(): number {
    return this.map.size;
  }
  async get(key: string): Promise<CachedCentroidTable | undefined> {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key); // re-insert: Map order is the recency order
      this.map.set(key, v);
    }
    return v;
  }
  async set(key: string, value: CachedCentroidTable): Promise<void> {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.maxEntries) this.map.delete(this.map.keys().next().value!);
  }
}

// Binary layout shared by the directory cache (and usable for IndexedDB blobs):
// "IZCT" | u32 format | u32 n | u32 metaBytes | meta | pad to 8 | f64 mzs[4n] | f64 ints[4n] | u8 nPeaks[n]
//   format 1 (read only): meta = JSON {ionFormulas, errors}
//   format 2: meta = u32 nErrors | u32 formulasBytes | formulas as UTF-8 joined by "\n" | JSON [[index, message], …]
//   Format 2 exists because JSON of millions of formulas and nulls took seconds to parse (db_config3: 4.8 M ions);
//   one decode + split of a joined string is several times cheaper. Ion formulas never contain "\n".
const MAGIC = 0x5443_5a49; // "IZCT" little-endian
const FORMAT = 2;

export function encodeCentroidTable(v: CachedCentroidTable): Uint8Array {
  const n = v.table.n;
  if (v.ionFormulas.length !== n || v.errors.length !== n) {
    throw new Error(`centroid cache: ${v.ionFormulas.length} formulas and ${v.errors.length} errors for a table of ${n} ions; they must match`);
  }
  const enc = new TextEncoder();
  const errs: [number, string][] = [];
  for (let i = 0; i < n; i++) {
    const e = v.errors[i];
    if (e !== null && e !== undefined) errs.push([i, e]);
  }
  for (let i = 0; i < n; i++) {
    if (v.ionFormulas[i]!.indexOf('\n') >= 0) throw new Error(`centroid cache: ion formula ${i} contains a line break; it cannot be stored`);
  }
  const formulas = enc.encode(v.ionFormulas.join('\n'));
  const errJson = enc.encode(JSON.stringify(errs));
  const metaLen = 8 + formulas.length + errJson.length;
  const head = 16 + metaLen;
  const dataStart = Math.ceil(head / 8) * 8;
  const total = dataStart + n * 4 * 8 * 2 + n;
  const buf = new Uint8Array(total);
  const dv = new DataView(buf.buffer);
  dv.setUint32(0, MAGIC, true);
  dv.setUint32(4, FORMAT, true);
  dv.setUint32(8, n, true);
  dv.setUint32(12, metaLen, true);
  dv.setUint32(16, errs.length, true);
  dv.setUint32(20, formulas.length, true);
  buf.set(formulas, 24);
  buf.set(errJson, 24 + formulas.length);
  new Float64Array(buf.buffer, dataStart, n * 4).set(v.table.mzs);
  new Float64Array(buf.buffer, dataStart + n * 32, n * 4).set(v.table.ints);
  buf.set(v.table.nPeaks, dataStart + n * 64);
  return buf;
}

/** Decodes encodeCentroidTable output (format 1 or 2); throws a descriptive Error when the bytes are not one. */
export function decodeCentroidTable(bytes: Uint8Array, where = 'centroid cache entry'): CachedCentroidTable {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const format = bytes.length >= 16 ? dv.getUint32(4, true) : 0;
  if (bytes.length < 16 || dv.getUint32(0, true) !== MAGIC || (format !== 1 && format !== 2)) {
    throw new Error(`${where}: not an imzlens centroid table (bad magic/version); delete it to recompute`);
  }
  const n = dv.getUint32(8, true);
  const jl = dv.getUint32(12, true);
  const dataStart = Math.ceil((16 + jl) / 8) * 8;
  if (bytes.length !== dataStart + n * 65) {
    throw new Error(`${where}: truncated (${bytes.length} bytes, expected ${dataStart + n * 65}); delete it to recompute`);
  }
  const dec = new TextDecoder();
  let ionFormulas: string[];
  let errors: (string | null)[];
  if (format === 1) {
    const meta = JSON.parse(dec.decode(bytes.subarray(16, 16 + jl))) as { ionFormulas: string[]; errors: (string | null)[] };
    ionFormulas = meta.ionFormulas;
    errors = meta.errors;
  } else {
    const nErr = dv.getUint32(16, true);
    const fl = dv.getUint32(20, true);
    if (24 + fl > 16 + jl) throw new Error(`${where}: corrupt header (formula block of ${fl} bytes exceeds it); delete it to recompute`);
    ionFormulas = n === 0 ? [] : dec.decode(bytes.subarray(24, 24 + fl)).split('\n');
    const errs = JSON.parse(dec.decode(bytes.subarray(24 + fl, 16 + jl))) as [number, string][];
    if (ionFormulas.length !== n || errs.length !== nErr) {
      throw new Error(`${where}: corrupt (${ionFormulas.length} formulas / ${errs.length} errors, expected ${n} / ${nErr}); delete it to recompute`);
    }
    errors = new Array<string | null>(n).fill(null);
    for (const [i, m] of errs) errors[i] = m;
  }
  // Copy into fresh aligned buffers (the input may not be 8-byte aligned; Node Buffers' slice() is a view
  // into a shared pool).
  const mzs = new Float64Array(n * 4);
  const ints = new Float64Array(n * 4);
  new Uint8Array(mzs.buffer).set(bytes.subarray(dataStart, dataStart + n * 32));
  new Uint8Array(ints.buffer).set(bytes.subarray(dataStart + n * 32, dataStart + n * 64));
  const nPeaks = bytes.slice(dataStart + n * 64, dataStart + n * 65);
  return { ionFormulas, errors, table: { n, mzs, ints, nPeaks: new Uint8Array(nPeaks) } };
}
