import { describe, expect, it } from 'vitest';
import { CodecError, decodeValue, encodeValue } from '../../src/core/job/codec.ts';

describe('codec', () => {
  it('round-trips plain values, special numbers and every typed array kind', () => {
    const value = {
      a: 1.5,
      s: 'µ-zone ✓',
      t: true,
      f: false,
      n: null,
      nan: NaN,
      inf: Infinity,
      ninf: -Infinity,
      negz: -0,
      list: [1, 'two', [3, null], { deep: new Float32Array([0.5, -2]) }],
      i8: new Int8Array([-128, 127]),
      u8: new Uint8Array([0, 255, 7]),
      u8c: new Uint8ClampedArray([1, 2]),
      i16: new Int16Array([-32768, 1]),
      u16: new Uint16Array([65535]),
      i32: new Int32Array([-(2 ** 31), 5]),
      u32: new Uint32Array([2 ** 32 - 1]),
      f32: new Float32Array([Math.PI]),
      f64: new Float64Array([Math.E, 1e-300, NaN]),
      i64: new BigInt64Array([-(2n ** 63n), 42n]),
      u64: new BigUint64Array([2n ** 64n - 1n]),
      empty: new Float64Array(0),
    };
    const back = decodeValue(encodeValue(value)) as typeof value;
    expect(back.a).toBe(1.5);
    expect(back.s).toBe('µ-zone ✓');
    expect(back.t).toBe(true);
    expect(back.f).toBe(false);
    expect(back.n).toBeNull();
    expect(back.nan).toBeNaN();
    expect(back.inf).toBe(Infinity);
    expect(back.ninf).toBe(-Infinity);
    expect(Object.is(back.negz, -0)).toBe(true);
    expect(back.list.slice(0, 3)).toEqual([1, 'two', [3, null]]);
    for (const k of ['i8', 'u8', 'u8c', 'i16', 'u16', 'i32', 'u32', 'f32', 'f64', 'i64', 'u64', 'empty'] as const) {
      expect(back[k].constructor).toBe(value[k].constructor);
      expect(Array.from(back[k] as ArrayLike<unknown>)).toEqual(Array.from(value[k] as ArrayLike<unknown>));
    }
    const deep = (back.list[3] as { deep: Float32Array }).deep;
    expect(deep).toBeInstanceOf(Float32Array);
    expect(Array.from(deep)).toEqual([0.5, -2]);
  });

  it('aligns every buffer to 8 bytes and views without copying when the blob is aligned', () => {
    const bytes = encodeValue({ a: new Uint8Array([1, 2, 3]), b: new Float64Array([1, 2]), c: new BigInt64Array([3n]) });
    expect(String.fromCharCode(...bytes.subarray(0, 4))).toBe('IMZC');
    const back = decodeValue(bytes) as { b: Float64Array; c: BigInt64Array };
    expect(back.b.buffer).toBe(bytes.buffer);
    expect((back.b.byteOffset % 8)).toBe(0);
    expect(back.c.byteOffset % 8).toBe(0);
    expect(bytes.byteLength % 8).toBe(0);
  });

  it('decodes from an unaligned copy (copies instead of viewing)', () => {
    const bytes = encodeValue({ x: new Float64Array([1.25, -3]) });
    const shifted = new Uint8Array(bytes.byteLength + 3);
    shifted.set(bytes, 3);
    const back = decodeValue(shifted.subarray(3)) as { x: Float64Array };
    expect(Array.from(back.x)).toEqual([1.25, -3]);
  });

  it('encodes typed-array subviews and Node Buffers by their visible bytes only', () => {
    const big = new Float32Array([9, 8, 7, 6]);
    const back = decodeValue(encodeValue({ sub: big.subarray(1, 3), buf: Buffer.from([4, 5]) })) as { sub: Float32Array; buf: Uint8Array };
    expect(Array.from(back.sub)).toEqual([8, 7]);
    expect(back.buf).toBeInstanceOf(Uint8Array);
    expect(Array.from(back.buf)).toEqual([4, 5]);
  });

  it('drops undefined members like JSON and maps undefined array items to null', () => {
    expect(decodeValue(encodeValue({ a: undefined, b: [undefined, 1] }))).toEqual({ b: [null, 1] });
  });

  it('rejects unsupported values with the path of the offender', () => {
    expect(() => encodeValue({ x: [1, new Date()] })).toThrow(/Date at \.x\[1\]/);
    expect(() => encodeValue({ f: () => 1 })).toThrow(CodecError);
    expect(() => encodeValue(new DataView(new ArrayBuffer(4)))).toThrow(/DataView/);
    expect(() => encodeValue({ '\u0000t': 1 })).toThrow(/NUL/);
  });

  it('rejects foreign, truncated or corrupted blobs clearly', () => {
    expect(() => decodeValue(new Uint8Array(4))).toThrow(/too short/);
    expect(() => decodeValue(new TextEncoder().encode('{"json": "not a blob"}'))).toThrow(/magic/);
    const bytes = encodeValue({ x: new Float64Array(16) });
    expect(() => decodeValue(bytes.subarray(0, bytes.byteLength - 8))).toThrow(/truncated/);
  });
});
