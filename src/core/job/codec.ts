// Binary codec for task inputs/outputs that travel through storage (S3 objects, files): plain JSON-like
// values plus typed arrays, in one blob. Typed arrays are not base64'd into JSON: they are copied as raw
// little-endian bytes after the header, each 8-byte aligned so the decoder can view them without copying.
//
// Layout:
//   0  'IMZC' magic (4 bytes)
//   4  format version, u32 LE (1)
//   8  header length in bytes, u32 LE
//  12  header: UTF-8 JSON { v: value with placeholders, b: [[offset, byteLength], ...] }
//      padded with spaces to a multiple of 8 (from the blob start)
//   …  buffers, each at an 8-byte-aligned offset relative to the blob start
//
// Placeholders in `v` are one-key objects whose key starts with NUL, which JSON-from-user data never has
// (the encoder rejects such keys): {"\u0000t": [kind, bufferIndex, length]} for a typed array,
// {"\u0000n": "NaN" | "Infinity" | "-Infinity" | "-0"} for numbers JSON cannot represent.

const MAGIC = 0x435a4d49; // 'IMZC' read as u32 LE
const VERSION = 1;
const TA = '\u0000t';
const NUM = '\u0000n';

const TYPED = {
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
} as const;
type TypedKind = keyof typeof TYPED;
type AnyTyped = InstanceType<(typeof TYPED)[TypedKind]>;

export class CodecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CodecError';
  }
}

function typedKind(v: ArrayBufferView): TypedKind | null {
  // instanceof rather than constructor.name: Node Buffers are Uint8Array subclasses.
  for (const k of Object.keys(TYPED) as TypedKind[]) if (v instanceof TYPED[k]) return k;
  return null;
}

function align8(n: number): number {
  return (n + 7) & ~7;
}

/**
 * Encodes numbers, strings, booleans, null, arrays, plain objects and typed arrays (all kinds) into one blob.
 * `undefined` object members are dropped (as JSON does); functions, Maps, Dates… are rejected.
 */
export function encodeValue(value: unknown): Uint8Array {
  const views: ArrayBufferView[] = [];
  const path: string[] = [];
  const fail = (what: string): never => {
    throw new CodecError(`encodeValue: ${what} at ${path.length ? path.join('') : '(root)'}; only numbers, strings, booleans, null, arrays, plain objects and typed arrays can be encoded`);
  };
  const walk = (v: unknown): unknown => {
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
    if (typeof v === 'number') {
      if (Number.isNaN(v)) return { [NUM]: 'NaN' };
      if (v === Infinity) return { [NUM]: 'Infinity' };
      if (v === -Infinity) return { [NUM]: '-Infinity' };
      if (v === 0 && 1 / v < 0) return { [NUM]: '-0' };
      return v;
    }
    if (ArrayBuffer.isView(v)) {
      const kind = typedKind(v);
      if (!kind) return fail(`unsupported view ${v.constructor?.name ?? 'DataView'}`);
      views.push(v);
      return { [TA]: [kind, views.length - 1, (v as AnyTyped).length] };
    }
    if (Array.isArray(v)) {
      const out = new Array(v.length);
      for (let i = 0; i < v.length; i++) {
        path.push(`[${i}]`);
        out[i] = walk(v[i] === undefined ? null : v[i]);
        path.pop();
      }
      return out;
    }
    if (typeof v === 'object') {
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) return fail(`unsupported object ${(v as object).constructor?.name}`);
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        if (x === undefined) continue;
        if (k.startsWith('\u0000')) fail(`object key starting with NUL (${JSON.stringify(k)})`);
        path.push(`.${k}`);
        out[k] = walk(x);
        path.pop();
      }
      return out;
    }
    return fail(`unsupported ${typeof v}`);
  };
  const v = walk(value);

  // Lay out buffers after the header; the header needs the offsets, and its own length decides where
  // buffers start, so compute the header with relative offsets and shift them once.
  const rel: [number, number][] = [];
  let cursor = 0;
  for (const view of views) {
    rel.push([cursor, view.byteLength]);
    cursor = align8(cursor + view.byteLength);
  }
  const dataLen = cursor;
  // The absolute offset depends on the header length, which depends on the digits of the offsets:
  // iterate until stable (at most a couple of rounds).
  let base = 0;
  let headerBytes: Uint8Array;
  for (;;) {
    const b = rel.map(([o, n]) => [o + base, n]);
    headerBytes = new TextEncoder().encode(JSON.stringify({ v, b }));
    const start = align8(12 + headerBytes.length);
    if (start === base) break;
    base = start;
  }
  const out = new Uint8Array(base + dataLen);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, MAGIC, true);
  dv.setUint32(4, VERSION, true);
  dv.setUint32(8, headerBytes.length, true);
  out.set(headerBytes, 12);
  out.fill(0x20, 12 + headerBytes.length, base);
  for (let i = 0; i < views.length; i++) {
    const view = views[i];
    out.set(new Uint8Array(view.buffer, view.byteOffset, view.byteLength), base + rel[i][0]);
  }
  return out;
}

/**
 * Decodes a blob written by `encodeValue`. Typed arrays are views into `bytes` when it is 8-byte aligned
 * (no copy), else copies.
 */
export function decodeValue(bytes: Uint8Array): unknown {
  if (bytes.byteLength < 12) throw new CodecError(`decodeValue: ${bytes.byteLength} bytes is too short for an imzlens blob (need ≥ 12); was the object written by encodeValue?`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dv.getUint32(0, true) !== MAGIC) throw new CodecError('decodeValue: bad magic (expected "IMZC"); the object was not written by encodeValue or is corrupted');
  const version = dv.getUint32(4, true);
  if (version !== VERSION) throw new CodecError(`decodeValue: format version ${version} is not supported (this build reads ${VERSION}); upgrade imzlens on both sides`);
  const hlen = dv.getUint32(8, true);
  if (12 + hlen > bytes.byteLength) throw new CodecError(`decodeValue: header length ${hlen} exceeds the blob (${bytes.byteLength} bytes); the object is truncated`);
  let header: { v: unknown; b: [number, number][] };
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + hlen)));
  } catch (e) {
    throw new CodecError(`decodeValue: header is not valid JSON (${(e as Error).message}); the object is corrupted`);
  }
  const aligned = bytes.byteOffset % 8 === 0;
  const revive = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map(revive);
    const o = v as Record<string, unknown>;
    if (TA in o) {
      const [kind, index, length] = o[TA] as [TypedKind, number, number];
      const ctor = TYPED[kind];
      const loc = header.b[index];
      if (!ctor || !loc) throw new CodecError(`decodeValue: bad typed-array placeholder ${JSON.stringify(o[TA])}`);
      const [off, n] = loc;
      if (off + n > bytes.byteLength || n !== length * ctor.BYTES_PER_ELEMENT) {
        throw new CodecError(`decodeValue: buffer ${index} (${kind}, offset ${off}, ${n} bytes) is outside the blob of ${bytes.byteLength} bytes; the object is truncated`);
      }
      if (aligned) return new ctor(bytes.buffer as ArrayBuffer, bytes.byteOffset + off, length);
      const copy = new Uint8Array(n);
      copy.set(bytes.subarray(off, off + n));
      return new ctor(copy.buffer, 0, length);
    }
    if (NUM in o) {
      const s = o[NUM];
      return s === 'NaN' ? NaN : s === 'Infinity' ? Infinity : s === '-Infinity' ? -Infinity : -0;
    }
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o)) out[k] = revive(x);
    return out;
  };
  return revive(header.v);
}
