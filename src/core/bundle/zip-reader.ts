// A small, defensive zip reader: it trusts nothing in the archive. It lists the central directory
// (no inflating), checks every entry's declared sizes against the caller's caps first, and inflates one
// entry at a time while capping the bytes actually produced at the declared size, then checks the CRC.
// Only what bundles need: methods stored (0) and deflate (8), no zip64, no encryption.
import { Inflate } from 'fflate';
import { BundleError } from './errors.ts';
import { crc32 } from './crc32.ts';

export interface ZipEntry {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  /** Offset of the entry's local header. */
  headerOffset: number;
}

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_END = 0x06054b50;
/** Compressed bytes handed to the inflater at a time: bounds the overshoot before the size cap trips. */
const INFLATE_CHUNK = 4096;

const corrupt = (what: string): BundleError =>
  new BundleError(`truncated or corrupted zip: ${what}. Download or copy the bundle again.`);

export function looksLikeZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5) && (bytes[3] === 4 || bytes[3] === 6);
}

export class ZipReader {
  readonly entries = new Map<string, ZipEntry>();
  private readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    maxEntries: number,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const end = this.findEnd();
    const v = this.view;
    const count = v.getUint16(end + 10, true);
    const cdSize = v.getUint32(end + 12, true);
    const cdOffset = v.getUint32(end + 16, true);
    if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
      throw new BundleError('the bundle is a zip64 archive, which imzlens bundles never are; it was not written by imzlens');
    }
    if (count > maxEntries) throw new BundleError(`the bundle lists ${count} files, more than the limit of ${maxEntries}`);
    if (cdOffset + cdSize > end) throw corrupt(`central directory (offset ${cdOffset}, ${cdSize} bytes) runs past its end record at ${end}`);
    let p = cdOffset;
    for (let i = 0; i < count; i++) {
      if (p + 46 > cdOffset + cdSize || v.getUint32(p, true) !== SIG_CENTRAL) throw corrupt(`central directory entry ${i} at offset ${p} is damaged`);
      const flags = v.getUint16(p + 8, true);
      const method = v.getUint16(p + 10, true);
      const crc = v.getUint32(p + 16, true);
      const compressedSize = v.getUint32(p + 20, true);
      const size = v.getUint32(p + 24, true);
      const nameLen = v.getUint16(p + 28, true);
      const extraLen = v.getUint16(p + 30, true);
      const commentLen = v.getUint16(p + 32, true);
      const headerOffset = v.getUint32(p + 42, true);
      if (p + 46 + nameLen > cdOffset + cdSize) throw corrupt(`central directory entry ${i} name runs past the directory`);
      const name = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(p + 46, p + 46 + nameLen));
      if (flags & 1) throw new BundleError(`bundle entry '${name}' is encrypted; imzlens bundles never are`);
      if (this.entries.has(name)) throw new BundleError(`bundle lists the file '${name}' twice; it was not written by imzlens`);
      if (headerOffset + 30 > cdOffset) throw corrupt(`entry '${name}' starts at ${headerOffset}, inside or past the central directory`);
      this.entries.set(name, { name, method, crc, compressedSize, size, headerOffset });
      p += 46 + nameLen + extraLen + commentLen;
    }
  }

  /** The end-of-central-directory record: scanned backwards over the longest possible comment. */
  private findEnd(): number {
    const b = this.bytes;
    const stop = Math.max(0, b.length - 22 - 0xffff);
    for (let p = b.length - 22; p >= stop; p--) {
      if (b[p] === 0x50 && b[p + 1] === 0x4b && b[p + 2] === 5 && b[p + 3] === 6 && this.view.getUint32(p, true) === SIG_END) {
        if (p + 22 + this.view.getUint16(p + 20, true) <= b.length) return p;
      }
    }
    throw corrupt(`no end-of-central-directory record in its ${b.length} bytes (the file is cut short or is not a zip)`);
  }

  /** The entry's bytes, inflated; never more than its declared size, CRC checked. */
  read(name: string): Uint8Array {
    const e = this.entries.get(name);
    if (!e) throw new BundleError(`bundle has no '${name}'`);
    const v = this.view;
    const h = e.headerOffset;
    if (v.getUint32(h, true) !== SIG_LOCAL) throw corrupt(`entry '${name}' has no local header at offset ${h}`);
    const start = h + 30 + v.getUint16(h + 26, true) + v.getUint16(h + 28, true);
    const stop = start + e.compressedSize;
    if (stop > this.bytes.length) throw corrupt(`entry '${name}' needs bytes ${start}–${stop} but the file has ${this.bytes.length}`);
    const src = this.bytes.subarray(start, stop);
    let out: Uint8Array;
    if (e.method === 0) {
      if (e.compressedSize !== e.size) throw corrupt(`stored entry '${name}' declares ${e.size} bytes but holds ${e.compressedSize}`);
      out = src;
    } else if (e.method === 8) {
      out = inflateCapped(src, e.size, name);
    } else {
      throw new BundleError(`bundle entry '${name}' uses zip compression method ${e.method}; imzlens bundles use only stored (0) and deflate (8)`);
    }
    if (crc32(out) !== e.crc) throw corrupt(`entry '${name}' fails its CRC check`);
    return out;
  }
}

/** Inflates `src` into exactly `size` bytes, failing as soon as more would be produced. */
function inflateCapped(src: Uint8Array, size: number, name: string): Uint8Array {
  const out = new Uint8Array(size);
  let n = 0;
  let done = false;
  const inf = new Inflate((chunk, final) => {
    if (n + chunk.length > size) {
      throw new BundleError(`bundle entry '${name}' inflates to more than the ${size} bytes it declares (a zip bomb or a corrupted file); it was not opened`);
    }
    out.set(chunk, n);
    n += chunk.length;
    if (final) done = true;
  });
  try {
    for (let p = 0; p < src.length; p += INFLATE_CHUNK) {
      inf.push(src.subarray(p, Math.min(src.length, p + INFLATE_CHUNK)), p + INFLATE_CHUNK >= src.length);
      if (done) break;
    }
    if (src.length === 0) inf.push(src, true);
  } catch (err) {
    if (err instanceof BundleError) throw err;
    throw corrupt(`entry '${name}' does not inflate (${(err as Error).message})`);
  }
  if (!done || n !== size) throw corrupt(`entry '${name}' inflates to ${n} bytes, not the ${size} it declares`);
  return out;
}
