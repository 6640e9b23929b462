// core/analysis/annotation-images: principal-peak images of many annotations, one at a time in m/z order, equal to
// the viewer's images; each needed segment read once; the sample-pixel columns segmentation reads.
import { describe, expect, it } from 'vitest';
import { checkAnalysisSize, eachPrincipalImage, inAnalysisSet, principalColumns } from '../../src/core/analysis/annotation-images.ts';
import { ionImagesOf } from '../../src/core/analysis/ion-images.ts';
import type { Segment, SegmentInfo } from '../../src/core/types.ts';

function seg(mz: number[], intensity: number[], pixel: number[]): Segment {
  return { mz: Float64Array.from(mz), intensity: Float32Array.from(intensity), pixel: Uint32Array.from(pixel) };
}
const segments = [
  seg([100, 100.0001, 150], [1.5, 2.25, 7], [0, 0, 5]),
  seg([], [], []),
  seg([200, 200.0002, 300], [3, 0.1, 9], [1, 1, 2]),
  seg([400, 400.0001], [4, 5], [3, 4]),
];
const infos: SegmentInfo[] = segments.map((s, index) => ({ index, mzMin: s.mz[0] ?? 0, mzMax: s.mz[s.mz.length - 1] ?? 0, nPeaks: s.mz.length }));
const mask = Uint8Array.from([1, 1, 0, 1, 1, 1]);
const geometry = { width: 3, height: 2, mask };

describe('eachPrincipalImage', () => {
  it('gives each m/z its image (as ionImagesOf over all segments), reading each needed segment once', async () => {
    const mzs = [400, 100, 0, 200.0001, 150];
    const reads: number[] = [];
    const got: Float32Array[] = [];
    const order: number[] = [];
    await eachPrincipalImage(infos, async (i) => { reads.push(i); return segments[i]; }, geometry, mzs, 3, (k, img) => { got[k] = img; order.push(k); });
    const ref = ionImagesOf(segments.filter((s) => s.mz.length), geometry, mzs, 3);
    mzs.forEach((_, k) => expect([...got[k]]).toEqual([...ref[k]]));
    expect(order).toEqual([2, 1, 4, 3, 0]); // ascending m/z
    expect(reads).toEqual([0, 2, 3]);
  });
});

describe('principalColumns', () => {
  it('keeps the sample pixels, row-major', async () => {
    const cols = await principalColumns(infos, async (i) => segments[i], geometry, [100, 300], 3);
    // m/z 100 ± 3 ppm: pixel 0 gets 1.5 + 2.25; pixel 2 is off-sample
    expect([...cols[0]]).toEqual([3.75, 0, 0, 0, 0]);
    expect([...cols[1]]).toEqual([0, 0, 0, 0, 0]); // 300 is at pixel 2: off-sample
  });
});

describe('inAnalysisSet', () => {
  it('FDR ≤ 20 % with the engine’s 0.001 slack', () => {
    expect(inAnalysisSet(0.2)).toBe(true);
    expect(inAnalysisSet(0.05)).toBe(true);
    expect(inAnalysisSet(0.5)).toBe(false);
  });
});

describe('checkAnalysisSize', () => {
  it('passes what fits, explains what does not', () => {
    expect(() => checkAnalysisSize('Colocalization', 200, 132_042)).not.toThrow();
    expect(() => checkAnalysisSize('Colocalization', 2000, 1_000_000)).toThrow(/Colocalization of 2000 annotations over 1,000,000 pixels needs 8000 MB/);
  });
});
