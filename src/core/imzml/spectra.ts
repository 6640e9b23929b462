// Reads the spectra of a parsed imzML index from its ibd: validates ranges up front, reads in large sequential
// batches, decodes arrays as typed-array views (copying only when unaligned, zlib-compressed or 64-bit integer).
import { unzlibSync } from 'fflate';
import type { ByteSource } from '../types.ts';
import type { ImzmlIndex } from './parse.ts';
import { BYTES_PER, ImzmlError, bytesToHex } from './format.ts';
import type { Compression, DataType } from './format.ts';

export type NumArray = Float32Array | Float64Array | Int32Array;

export interface ReadOptions {
  signal?: AbortSignal;
  /** Called after each batch with the ibd bytes read so far and the total to read. */
  onBytes?(done: number, total: number): void;
  /** Target bytes per read; default 16 MiB. */
  batchBytes?: number;
  /** Batches read ahead of the one being decoded (default 2); many small reads want more. */
  readAhead?: number;
  /** Only these spectra (ascending indices); default all. */
  only?: Uint32Array | number[];
  /** Appended to range errors (e.g. a UUID mismatch that explains them). */
  hint?: string;
}

export interface IbdCheck {
  /** ibd's first 16 bytes as hex. */
  ibdUuid: string;
  /** True when the imzML has a UUID and it equals the ibd header. */
  uuidMatches: boolean;
  /** Human-readable warning when the UUID does not match (or cannot be checked), else null. */
  warning: string | null;
}

/** Compares the imzML UUID with the ibd's first 16 bytes (warn, never fail). */
export async function checkIbdUuid(index: ImzmlIndex, ibd: ByteSource): Promise<IbdCheck> {
  if (ibd.size < 16) {
    throw new ImzmlError(`${ibd.name}: the ibd is only ${ibd.size} bytes; it must start with a 16-byte UUID. It is truncated or not an ibd file; re-copy it.`);
  }
  const head = bytesToHex(await ibd.read(0, 16));
  if (!index.uuid) return { ibdUuid: head, uuidMatches: false, warning: `the imzML has no usable UUID, so ${ibd.name} cannot be checked to belong to it.` };
  if (head === index.uuid) return { ibdUuid: head, uuidMatches: true, warning: null };
  return {
    ibdUuid: head,
    uuidMatches: false,
    warning: `the ibd's UUID (${head}) differs from the imzML's (${index.uuid}): ${ibd.name} may belong to another dataset (or the writer left a placeholder).`,
  };
}

/** Checks lengths and that every array lies inside the ibd; throws a precise error for the first bad spectrum. */
export function validateRanges(index: ImzmlIndex, ibd: ByteSource, hint = ''): void {
  const size = ibd.size;
  const n = index.nSpectra;
  const tail = hint ? ` ${hint}` : '';
  for (let i = 0; i < n; i++) {
    if (index.mzLength[i] !== index.intensityLength[i]) {
      throw new ImzmlError(`${index.name}: spectrum ${i} (x=${index.x[i]}, y=${index.y[i]}) declares ${index.mzLength[i]} m/z values but ${index.intensityLength[i]} intensities; the arrays must have equal length. The file is corrupt; re-export it.`);
    }
    for (const [label, off, enc] of [['m/z', index.mzOffset[i], index.mzEncodedLength[i]], ['intensity', index.intensityOffset[i], index.intensityEncodedLength[i]]] as const) {
      if (!(off >= 0) || !Number.isSafeInteger(off)) {
        throw new ImzmlError(`${index.name}: spectrum ${i} has ${label} offset ${off}, which is not a valid position in ${ibd.name}. The file is corrupt; re-export it.`);
      }
      if (off + enc > size) {
        throw new ImzmlError(`${ibd.name}: spectrum ${i} (x=${index.x[i]}, y=${index.y[i]}) needs ${label} bytes ${off}..${off + enc} but the ibd has only ${size} bytes. The ibd is truncated or belongs to another dataset; re-copy the complete ibd that was written with this imzML.${tail}`);
      }
    }
  }
}

/**
 * Calls `onSpectrum(i, mz, intensity)` for the spectra in file order with decoded arrays (views valid only during the
 * call). Arrays are read in batches of consecutive spectra; a shared m/z array (continuous mode) is decoded once.
 */
export async function forEachSpectrum(
  index: ImzmlIndex,
  ibd: ByteSource,
  onSpectrum: (i: number, mz: NumArray, intensity: NumArray) => void,
  options: ReadOptions = {},
): Promise<void> {
  const batchBytes = options.batchBytes ?? 16 << 20;
  const order = options.only ?? null;
  const count = order ? order.length : index.nSpectra;
  const at = (k: number) => (order ? order[k] : k);
  const continuous = index.storageMode === 'continuous';
  const mzDec = new Decoder(index.mzDataType, index.mzCompression);
  const inDec = new Decoder(index.intensityDataType, index.intensityCompression);
  let sharedMz: NumArray | null = null;
  if (continuous) {
    const len = index.mzLength[0];
    const bytes = await ibd.read(index.mzOffset[0], index.mzEncodedLength[0]);
    sharedMz = mzDec.decode(bytes, 0, index.mzEncodedLength[0], len, index, 0, 'm/z').slice();
  }
  let total = 0;
  for (let k = 0; k < count; k++) {
    const i = at(k);
    total += index.intensityEncodedLength[i] + (continuous ? 0 : index.mzEncodedLength[i]);
  }
  // Batches of consecutive spectra whose byte span stays within batchBytes, read ahead `readAhead` batches so the
  // source's I/O (a Blob read crosses to the browser process; a file read goes to the thread pool) overlaps the
  // decoding and the caller's work instead of alternating with it.
  const nextBatch = (k: number): { k: number; end: number; lo: number; hi: number } => {
    const first = at(k);
    let lo = index.intensityOffset[first];
    let hi = lo + index.intensityEncodedLength[first];
    if (!continuous) {
      lo = Math.min(lo, index.mzOffset[first]);
      hi = Math.max(hi, index.mzOffset[first] + index.mzEncodedLength[first]);
    }
    let end = k + 1;
    while (end < count) {
      const j = at(end);
      let l2 = index.intensityOffset[j];
      let h2 = l2 + index.intensityEncodedLength[j];
      if (!continuous) {
        l2 = Math.min(l2, index.mzOffset[j]);
        h2 = Math.max(h2, index.mzOffset[j] + index.mzEncodedLength[j]);
      }
      const nl = Math.min(lo, l2), nh = Math.max(hi, h2);
      if (nh - nl > batchBytes) break;
      lo = nl; hi = nh; end++;
    }
    return { k, end, lo, hi };
  };
  const readAhead = Math.max(1, options.readAhead ?? 2);
  const queue: { k: number; end: number; lo: number; hi: number; bytes: Promise<Uint8Array> }[] = [];
  let planned = 0;
  const fill = () => {
    while (queue.length < readAhead && planned < count) {
      const b = nextBatch(planned);
      const bytes = ibd.read(b.lo, b.hi - b.lo);
      bytes.catch(() => {}); // awaited below; an abort may leave it unawaited
      queue.push({ ...b, bytes });
      planned = b.end;
    }
  };
  let done = 0;
  while (planned < count || queue.length) {
    if (options.signal?.aborted) throw options.signal.reason ?? new Error('aborted');
    fill();
    const { k, end, lo, bytes } = queue.shift()!;
    const buf = await bytes;
    fill();
    for (let b = k; b < end; b++) {
      const i = at(b);
      const len = index.intensityLength[i];
      const mz = sharedMz ?? mzDec.decode(buf, index.mzOffset[i] - lo, index.mzEncodedLength[i], len, index, i, 'm/z');
      const inten = inDec.decode(buf, index.intensityOffset[i] - lo, index.intensityEncodedLength[i], len, index, i, 'intensity');
      onSpectrum(i, mz, inten);
      done += index.intensityEncodedLength[i] + (continuous ? 0 : index.mzEncodedLength[i]);
    }
    options.onBytes?.(done, total);
  }
}

/** Decodes one array type; reuses an aligned scratch buffer when the bytes cannot be viewed in place. */
class Decoder {
  private scratch = new ArrayBuffer(0);
  private scratch2 = new Float64Array(0);
  constructor(private readonly type: DataType, private readonly comp: Compression) {}

  decode(buf: Uint8Array, rel: number, enc: number, len: number, index: ImzmlIndex, i: number, label: string): NumArray {
    const size = BYTES_PER[this.type];
    let bytes: Uint8Array;
    let base: ArrayBufferLike;
    let off: number;
    if (this.comp === 'zlib') {
      let raw: Uint8Array;
      try {
        raw = unzlibSync(buf.subarray(rel, rel + enc));
      } catch (e) {
        throw new ImzmlError(`${index.name}: spectrum ${i}: the zlib-compressed ${label} array (${enc} bytes) cannot be decompressed (${(e as Error).message}). The ibd is damaged; re-copy it.`);
      }
      if (raw.length !== len * size) {
        throw new ImzmlError(`${index.name}: spectrum ${i}: the ${label} array decompresses to ${raw.length} bytes, but ${len} values of ${this.type} need ${len * size}. The file is corrupt; re-export it.`);
      }
      bytes = raw;
    } else bytes = buf.subarray(rel, rel + len * size);
    if ((bytes.byteOffset % size) === 0) {
      base = bytes.buffer;
      off = bytes.byteOffset;
    } else {
      if (this.scratch.byteLength < bytes.length) this.scratch = new ArrayBuffer(Math.max(bytes.length, this.scratch.byteLength * 2));
      new Uint8Array(this.scratch, 0, bytes.length).set(bytes);
      base = this.scratch;
      off = 0;
    }
    switch (this.type) {
      case 'f32': return new Float32Array(base as ArrayBuffer, off, len);
      case 'f64': return new Float64Array(base as ArrayBuffer, off, len);
      case 'i32': return new Int32Array(base as ArrayBuffer, off, len);
      case 'i64': {
        const big = new BigInt64Array(base as ArrayBuffer, off, len);
        if (this.scratch2.length < len) this.scratch2 = new Float64Array(Math.max(len, this.scratch2.length * 2));
        for (let j = 0; j < len; j++) this.scratch2[j] = Number(big[j]);
        return this.scratch2.subarray(0, len);
      }
    }
  }
}
