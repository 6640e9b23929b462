// core/analysis/ion-images: the segments a set of m/z windows touches, and images over just those segments equal
// to images over all segments (what the analysis worker returns to the viewer).
import { describe, expect, it } from 'vitest';
import { ionImagesOf, segmentsForWindows } from '../../src/core/analysis/ion-images.ts';
import { ionImage } from '../../src/core/score/images.ts';
import type { Segment, SegmentInfo } from '../../src/core/types.ts';

function seg(mz: number[], intensity: number[], pixel: number[]): Segment {
  return { mz: Float64Array.from(mz), intensity: Float32Array.from(intensity), pixel: Uint32Array.from(pixel) };
}
const info = (s: Segment, index: number): SegmentInfo => ({ index, mzMin: s.mz[0] ?? 0, mzMax: s.mz[s.mz.length - 1] ?? 0, nPeaks: s.mz.length });

// three segments (one empty) on a 3×2 grid
const segments = [
  seg([100, 100.0001, 150], [1.5, 2.25, 7], [0, 0, 5]),
  seg([], [], []),
  seg([200, 200.0002, 300], [3, 0.1, 9], [1, 1, 2]),
];
const infos = segments.map(info);
const geometry = { width: 3, height: 2, mask: new Uint8Array(6).fill(1) };

describe('segmentsForWindows', () => {
  it('names each non-empty segment a window overlaps, once, ascending; m/z ≤ 0 asks for nothing', () => {
    expect(segmentsForWindows(infos, [200.0001, 100], 3)).toEqual([0, 2]);
    expect(segmentsForWindows(infos, [150, 0, -1], 3)).toEqual([0]);
    expect(segmentsForWindows(infos, [0], 3)).toEqual([]);
    expect(segmentsForWindows(infos, [175], 3)).toEqual([]);
  });
});

describe('ionImagesOf', () => {
  it('equals ionImage over all segments, bit for bit; m/z 0 gives a zero image', () => {
    const mzs = [100, 200.0001, 0, 300];
    const ids = segmentsForWindows(infos, mzs, 3);
    const images = ionImagesOf(ids.map((i) => segments[i]), geometry, mzs, 3);
    expect(images).toHaveLength(4);
    mzs.forEach((mz, k) => expect(Array.from(images[k])).toEqual(Array.from(ionImage(segments, geometry, mz, 3))));
    expect(Array.from(images[0])).toEqual([Math.fround(1.5 + 2.25), 0, 0, 0, 0, 0]);
    expect(Array.from(images[1])).toEqual([0, Math.fround(3 + 0.1), 0, 0, 0, 0]);
    expect(Array.from(images[2])).toEqual([0, 0, 0, 0, 0, 0]);
  });
});
