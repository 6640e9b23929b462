// Lossless encoding of one row's isotope images (images/<i>.bin). Ion images are mostly zeros and their
// non-zero values are float32 sums of instrument intensities, so we store, per image, where the non-zero
// pixels are and their exact float32 bit patterns, "byte-planed" (all top bytes, then all second bytes…)
// so the zip deflate finds the redundancy of the sign/exponent bytes. Where the non-zero pixels are is
// written either as varint gaps (sparse images) or as a bitmap (dense images) — whichever deflates smaller;
// measured in tests/integration/bundle-sizes.test.ts and docs/bundle-format.md.
//
// Layout (little-endian): "IZI1", u8 nImages, then per image:
//   u8 kind (0 = all zero, 1 = gaps, 2 = bitmap), u32 nPixels, u32 nNonZero, u32 payloadBytes, payload
//   gaps:   nNonZero LEB128 varints, gap = index - previous index - 1 (previous starts at -1)
//   bitmap: ceil(nPixels / 8) bytes, bit (i & 7) of byte (i >> 3) set for non-zero pixel i
//   then 4 planes of nNonZero bytes each: byte 3 (sign/exponent) of every value, then bytes 2, 1, 0.
import { deflateSync } from 'fflate';
import { BundleError } from './errors.ts';

export const IMAGE_ENCODING = 'izi1';
export const KIND_ZERO = 0;
export const KIND_GAPS = 1;
export const KIND_BITMAP = 2;
export type ImageKind = typeof KIND_ZERO | typeof KIND_GAPS | typeof KIND_BITMAP;
const MAGIC = [0x49, 0x5a, 0x49, 0x31]; // "IZI1"
const IMAGE_HEADER = 13;

/** Growable byte buffer for the encoder. */
class Bytes {
  buf = new Uint8Array(1024);
  n = 0;
  ensure(k: number): void {
    if (this.n + k <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.n + k) cap *= 2;
    const b = new Uint8Array(cap);
    b.set(this.buf.subarray(0, this.n));
    this.buf = b;
  }
  u8(v: number): void {
    this.ensure(1);
    this.buf[this.n++] = v;
  }
  u32(v: number): void {
    this.ensure(4);
    new DataView(this.buf.buffer).setUint32(this.n, v, true);
    this.n += 4;
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.n);
    this.n += b.length;
  }
  result(): Uint8Array {
    return this.buf.slice(0, this.n);
  }
}

/** Non-zero pixel indices (bit pattern ≠ 0, so -0 counts as a value and is kept) and their bits. */
function nonZero(bits: Uint32Array): { idx: Uint32Array; vals: Uint32Array } {
  let k = 0;
  for (let i = 0; i < bits.length; i++) if (bits[i] !== 0) k++;
  const idx = new Uint32Array(k);
  const vals = new Uint32Array(k);
  k = 0;
  for (let i = 0; i < bits.length; i++) {
    const b = bits[i];
    if (b !== 0) {
      idx[k] = i;
      vals[k++] = b;
    }
  }
  return { idx, vals };
}

export function encodeGaps(idx: Uint32Array): Uint8Array {
  const out = new Uint8Array(idx.length * 5);
  let n = 0;
  let prev = -1;
  for (let k = 0; k < idx.length; k++) {
    let g = idx[k] - prev - 1;
    prev = idx[k];
    while (g >= 0x80) {
      out[n++] = (g & 0x7f) | 0x80;
      g >>>= 7;
    }
    out[n++] = g;
  }
  return out.slice(0, n);
}

export function encodeBitmap(idx: Uint32Array, nPixels: number): Uint8Array {
  const out = new Uint8Array((nPixels + 7) >>> 3);
  for (let k = 0; k < idx.length; k++) out[idx[k] >>> 3] |= 1 << (idx[k] & 7);
  return out;
}

export function valuePlanes(vals: Uint32Array): Uint8Array {
  const n = vals.length;
  const out = new Uint8Array(n * 4);
  for (let k = 0; k < n; k++) {
    const v = vals[k];
    out[k] = v >>> 24;
    out[n + k] = (v >>> 16) & 0xff;
    out[2 * n + k] = (v >>> 8) & 0xff;
    out[3 * n + k] = v & 0xff;
  }
  return out;
}

/** The payload of one image in a given kind (KIND_ZERO only for all-zero images). */
export function encodeImagePayload(img: Float32Array, kind: ImageKind): { nNonZero: number; payload: Uint8Array } {
  const bits = new Uint32Array(img.buffer, img.byteOffset, img.length);
  const { idx, vals } = nonZero(bits);
  if (kind === KIND_ZERO) {
    if (idx.length) throw new BundleError('encodeImagePayload: KIND_ZERO for an image with non-zero pixels');
    return { nNonZero: 0, payload: new Uint8Array(0) };
  }
  const where = kind === KIND_GAPS ? encodeGaps(idx) : encodeBitmap(idx, img.length);
  const planes = valuePlanes(vals);
  const payload = new Uint8Array(where.length + planes.length);
  payload.set(where);
  payload.set(planes, where.length);
  return { nNonZero: idx.length, payload };
}

/** Encodes a row's images, choosing per image the location form that deflates smaller (values are the same). */
export function encodeRowImages(images: Float32Array[], nPixels: number, where = 'row'): Uint8Array {
  if (images.length > 255) throw new BundleError(`${where}: ${images.length} images; at most 255 per row`);
  const out = new Bytes();
  for (const m of MAGIC) out.u8(m);
  out.u8(images.length);
  images.forEach((img, k) => {
    if (!(img instanceof Float32Array)) throw new BundleError(`${where} image ${k}: expected a Float32Array`);
    if (img.length !== nPixels) throw new BundleError(`${where} image ${k} has ${img.length} pixels but the grid has ${nPixels}`);
    for (let i = 0; i < img.length; i++) {
      if (!Number.isFinite(img[i])) throw new BundleError(`${where} image ${k} pixel ${i} is ${img[i]}; ion images must be finite`);
    }
    const bits = new Uint32Array(img.buffer, img.byteOffset, img.length);
    const { idx, vals } = nonZero(bits);
    let kind: ImageKind = KIND_ZERO;
    let whereBytes: Uint8Array = new Uint8Array(0);
    if (idx.length) {
      const gaps = encodeGaps(idx);
      const bitmap = encodeBitmap(idx, nPixels);
      // values are identical in both forms: compare only the deflated location part
      const useGaps = deflateSync(gaps, { level: 6 }).length <= deflateSync(bitmap, { level: 6 }).length;
      kind = useGaps ? KIND_GAPS : KIND_BITMAP;
      whereBytes = useGaps ? gaps : bitmap;
    }
    const planes = valuePlanes(vals);
    out.u8(kind);
    out.u32(nPixels);
    out.u32(idx.length);
    out.u32(whereBytes.length + planes.length);
    out.bytes(whereBytes);
    out.bytes(planes);
  });
  return out.result();
}

/**
 * Decodes and validates a row's images against the grid: every count, index and length is checked, values
 * must be finite. `where` names the entry in messages.
 */
export function decodeRowImages(data: Uint8Array, width: number, height: number, maxImages: number, where: string): Float32Array[] {
  const nPixels = width * height;
  const bad = (what: string): BundleError => new BundleError(`${where}: ${what}; the bundle is damaged or was not written by imzlens`);
  if (data.length < 5 || MAGIC.some((m, i) => data[i] !== m)) throw bad('not an imzlens image block (bad magic)');
  const count = data[4];
  if (count > maxImages) throw bad(`${count} images, more than the limit of ${maxImages}`);
  const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let p = 5;
  const images: Float32Array[] = [];
  for (let k = 0; k < count; k++) {
    if (p + IMAGE_HEADER > data.length) throw bad(`image ${k} header is cut short`);
    const kind = data[p];
    const n = v.getUint32(p + 1, true);
    const nnz = v.getUint32(p + 5, true);
    const len = v.getUint32(p + 9, true);
    p += IMAGE_HEADER;
    if (n !== nPixels) {
      throw new BundleError(`${where}: image ${k} has ${n} pixels but the grid is ${width}×${height} (${nPixels}); the bundle is inconsistent`);
    }
    if (nnz > n) throw bad(`image ${k} claims ${nnz} non-zero pixels of ${n}`);
    if (len > data.length - p) throw bad(`image ${k} payload of ${len} bytes runs past the end (${data.length - p} left)`);
    const end = p + len;
    const img = new Float32Array(n);
    const bits = new Uint32Array(img.buffer);
    const idx = new Uint32Array(nnz);
    if (kind === KIND_ZERO) {
      if (nnz !== 0 || len !== 0) throw bad(`image ${k} is marked all-zero but has ${nnz} values`);
    } else if (kind === KIND_GAPS) {
      let prev = -1;
      for (let j = 0; j < nnz; j++) {
        let g = 0;
        let shift = 0;
        for (;;) {
          if (p >= end) throw bad(`image ${k} pixel list is cut short at entry ${j}`);
          const b = data[p++];
          if (shift === 28 && b > 0x0f) throw bad(`image ${k} pixel gap ${j} overflows 32 bits`);
          g += (b & 0x7f) * 2 ** shift;
          if (!(b & 0x80)) break;
          shift += 7;
        }
        const i = prev + 1 + g;
        if (i >= n) throw new BundleError(`${where}: image ${k} pixel ${j} has index ${i}, outside the ${width}×${height} grid`);
        idx[j] = i;
        prev = i;
      }
    } else if (kind === KIND_BITMAP) {
      const nb = (n + 7) >>> 3;
      if (nb > end - p) throw bad(`image ${k} bitmap needs ${nb} bytes, payload has ${end - p}`);
      let j = 0;
      for (let b = 0; b < nb; b++) {
        let byte = data[p + b];
        while (byte) {
          const bit = 31 - Math.clz32(byte & -byte);
          const i = (b << 3) + bit;
          if (i >= n) throw new BundleError(`${where}: image ${k} marks pixel ${i}, outside the ${width}×${height} grid`);
          if (j >= nnz) throw bad(`image ${k} bitmap marks more than the ${nnz} pixels it declares`);
          idx[j++] = i;
          byte &= byte - 1;
        }
      }
      if (j !== nnz) throw bad(`image ${k} bitmap marks ${j} pixels, header says ${nnz}`);
      p += nb;
    } else {
      throw bad(`image ${k} has unknown kind ${kind}`);
    }
    if (end - p !== 4 * nnz) throw bad(`image ${k} has ${end - p} value bytes for ${nnz} values (need ${4 * nnz})`);
    for (let j = 0; j < nnz; j++) {
      bits[idx[j]] = ((data[p + j] << 24) | (data[p + nnz + j] << 16) | (data[p + 2 * nnz + j] << 8) | data[p + 3 * nnz + j]) >>> 0;
      const x = img[idx[j]];
      if (!Number.isFinite(x)) throw new BundleError(`${where}: image ${k} pixel ${idx[j]} is ${x}; ion images must be finite`);
    }
    p = end;
    images.push(img);
  }
  if (p !== data.length) throw bad(`${data.length - p} unexpected bytes after the last image`);
  return images;
}
