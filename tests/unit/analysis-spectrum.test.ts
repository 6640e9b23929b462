// core/analysis/spectrum: a pixel's spectrum by scan and from the pixel-major pieces, the mean spectrum's bins,
// annotated-peak matching, plot decimation and the any-m/z checks — on small hand-checkable cases.
import { describe, expect, it } from 'vitest';
import {
  MeanSpectrumBuilder, annotationWindows, decimate, decodePiece, decodeSpectrum, encodeSpectrum, matchAnnotatedPeaks, maxIn,
  mzQueryProblem, niceTicks, pixelSpectrumFromSegments, spectrumFromPieces, transposeSegments,
} from '../../src/core/analysis/spectrum.ts';
import type { Segment } from '../../src/core/types.ts';

function seg(mz: number[], intensity: number[], pixel: number[]): Segment {
  return { mz: Float64Array.from(mz), intensity: Float32Array.from(intensity), pixel: Uint32Array.from(pixel) };
}
const arr = (a: ArrayLike<number>) => Array.from(a);

// 5 pixels; three segments in m/z order (the middle one empty)
const segments = [
  seg([100, 100.5, 101, 101], [1, 2, 3, 4], [0, 3, 3, 0]),
  seg([], [], []),
  seg([200, 250, 250.25, 300], [5, 6, 7, 8], [4, 3, 0, 3]),
];

describe('pixel spectrum', () => {
  it('scan: the pixel\'s peaks in m/z order; a pixel without peaks is empty', () => {
    const p3 = pixelSpectrumFromSegments(segments, 3);
    expect(arr(p3.mz)).toEqual([100.5, 101, 250, 300]);
    expect(arr(p3.intensity)).toEqual([2, 3, 6, 8]);
    const p0 = pixelSpectrumFromSegments(segments, 0);
    expect(arr(p0.mz)).toEqual([100, 101, 250.25]);
    expect(arr(p0.intensity)).toEqual([1, 4, 7]);
    expect(pixelSpectrumFromSegments(segments, 2).mz.length).toBe(0);
  });

  it('pieces: blocks of 2 pixels; pixel 2 has none, so block 1 has peaks only of pixel 3', () => {
    const pieces = transposeSegments(segments, 5, 2);
    expect(pieces.map((p) => p.block)).toEqual([0, 1, 2]);
    const b1 = pieces[1].piece;
    expect(b1.firstPixel).toBe(2);
    expect(arr(b1.offsets)).toEqual([0, 0, 4]);
    expect(arr(b1.mz)).toEqual([100.5, 101, 250, 300]);
    // pixel 0 (block 0): 100, 101, 250.25 in that order; pixel 1 none
    expect(arr(pieces[0].piece.offsets)).toEqual([0, 3, 3]);
    expect(arr(pieces[0].piece.intensity)).toEqual([1, 4, 7]);
    // last block holds one pixel only
    expect(arr(pieces[2].piece.offsets)).toEqual([0, 1]);
  });

  it('pieces built in two flushes and stored as bytes give the scan\'s spectrum for every pixel', () => {
    const flushA = transposeSegments(segments.slice(0, 1), 5, 2);
    const flushB = transposeSegments(segments.slice(1), 5, 2);
    for (let p = 0; p < 5; p++) {
      const block = Math.floor(p / 2);
      const pieces = [...flushA, ...flushB].filter((x) => x.block === block).map((x) => decodePiece(x.piece.bytes.slice()));
      const s = spectrumFromPieces(pieces, p);
      const ref = pixelSpectrumFromSegments(segments, p);
      expect(arr(s.mz)).toEqual(arr(ref.mz));
      expect(arr(s.intensity)).toEqual(arr(ref.intensity));
    }
  });

  it('a damaged piece is refused', () => {
    const [{ piece }] = transposeSegments(segments, 5, 8);
    expect(() => decodePiece(piece.bytes.slice(0, piece.bytes.length - 4))).toThrow(/damaged/);
  });
});

describe('mean spectrum', () => {
  it('bins of constant ppm width from the reference m/z; weighted m/z; sum ÷ sample pixels', () => {
    // 10 ppm bins from 100: bin 0 = [100, 100.001), bin 1 = [100.001, 100.002001)
    const b = new MeanSpectrumBuilder(100, 10);
    expect(b.binOf(100)).toBe(0);
    expect(b.binOf(100.0009)).toBe(0);
    expect(b.binOf(100.0011)).toBe(1);
    b.add(seg([100, 100.0005], [1, 3], [0, 1]));
    // a bin spanning two segments stays one bin
    b.add(seg([100.0008, 100.0015, 200], [4, 2, 10], [2, 0, 1]));
    const m = b.finish(4);
    expect(m.mz.length).toBe(3);
    // bin 0: (100·1 + 100.0005·3 + 100.0008·4) / 8
    expect(m.mz[0]).toBeCloseTo((100 + 100.0005 * 3 + 100.0008 * 4) / 8, 10);
    expect(m.intensity[0]).toBe(8 / 4);
    expect(m.mz[1]).toBe(100.0015);
    expect(m.intensity[1]).toBe(0.5);
    expect(m.mz[2]).toBe(200);
    expect(m.intensity[2]).toBe(2.5);
  });

  it('round-trips through bytes; a damaged copy is refused', () => {
    const s = { mz: Float64Array.from([1.5, 2.25]), intensity: Float32Array.from([3, 4]) };
    const d = decodeSpectrum(encodeSpectrum(s).slice());
    expect(arr(d.mz)).toEqual([1.5, 2.25]);
    expect(arr(d.intensity)).toEqual([3, 4]);
    expect(() => decodeSpectrum(encodeSpectrum(s).slice(0, 10))).toThrow(/damaged/);
  });
});

describe('annotated peaks', () => {
  it('windows mz ± ppm (inclusive) that contain a peak, with the most intense peak inside', () => {
    // 10 ppm at m/z 100 → [99.999, 100.001]
    const rows = [{ centroidMzs: [100, 101, 0, 0] }, { centroidMzs: [300, 0, 0, 0] }, { centroidMzs: [100.0005, 0, 0, 0] }];
    const w = annotationWindows(rows, 10);
    expect(w.map((x) => [x.row, x.iso])).toEqual([[0, 0], [2, 0], [0, 1], [1, 0]]);
    const s = { mz: Float64Array.from([99.9985, 99.999, 100.0008, 100.5, 300.0031]), intensity: Float32Array.from([9, 1, 2, 5, 4]) };
    const m = matchAnnotatedPeaks(s, w);
    // row 0 M: peaks 1 (99.999 on the bound) and 2 → the more intense, 2; row 2 (100.0005 ± 0.001): peaks 2 → 2;
    // row 0 M+1 (101): none; row 1 (300 ± 0.003): 300.0031 is outside
    expect(m.map((x) => [x.peak, x.window.row, x.window.iso])).toEqual([[2, 0, 0], [2, 2, 0]]);
  });
});

describe('plot helpers', () => {
  const s = { mz: Float64Array.from([1, 1.1, 1.2, 5, 9.99, 10, 11]), intensity: Float32Array.from([3, 7, 2, 1, 4, 6, 100]) };
  it('decimate keeps the most intense peak per column of [lo, hi]', () => {
    // [0, 10] on 10 columns: col 1 ← 1, 1.1, 1.2 (→ 1.1); col 5 ← 5; col 9 ← 9.99 and 10 (clamped) → 10
    expect(arr(decimate(s, 0, 10, 10))).toEqual([1, 3, 5]);
    expect(arr(decimate(s, 20, 30, 10))).toEqual([]);
  });
  it('maxIn is the largest intensity inside the range', () => {
    expect(maxIn(s, 0, 10)).toBe(7);
    expect(maxIn(s, 10, 20)).toBe(100);
    expect(maxIn(s, 2, 4)).toBe(0);
  });
});

describe('any m/z query', () => {
  const range = { mzMin: 100, mzMax: 1000 };
  it('accepts an m/z inside the range (or whose window reaches it)', () => {
    expect(mzQueryProblem(500, 3, range)).toBeNull();
    expect(mzQueryProblem(99.9999, 3, range)).toBeNull(); // window reaches 100.0002
  });
  it('explains what is wrong', () => {
    expect(mzQueryProblem(50, 3, range)).toMatch(/outside this dataset's m\/z range \(100\.0000–1000\.0000\)/);
    expect(mzQueryProblem(1200, 3, range)).toMatch(/outside/);
    expect(mzQueryProblem(500, 0, range)).toMatch(/above 0/);
    expect(mzQueryProblem(500, -2, range)).toMatch(/above 0/);
    expect(mzQueryProblem(Number.NaN, 3, range)).toMatch(/Enter an m\/z/);
  });
});

describe('niceTicks', () => {
  it('round steps of 1, 2 or 5 × 10^k inside the range', () => {
    expect(niceTicks(0, 10, 5)).toEqual([0, 2, 4, 6, 8, 10]);
    // 0.5 / 4 = 0.125 → step 0.2
    expect(niceTicks(101.3, 101.8, 4)).toEqual([101.4, 101.6, 101.8]);
    expect(niceTicks(5, 5, 4)).toEqual([]);
  });
});
