import { describe, expect, it } from 'vitest';
import { planScoreTasks } from '../../src/core/job/plan.ts';
import type { CentroidTable, DatasetMeta, SegmentInfo } from '../../src/core/types.ts';

function meta(segments: [number, number][]): DatasetMeta {
  const segs: SegmentInfo[] = segments.map(([a, b], index) => ({ index, mzMin: a, mzMax: b, nPeaks: 10 }));
  return {
    id: 'ds', name: 'ds', width: 2, height: 2, minX: 1, minY: 1, nSpectra: 4, nSamplePixels: 4, totalPeaks: 40,
    mzMin: segments[0][0], mzMax: segments[segments.length - 1][1], polarity: 'positive', spectrumType: 'centroid',
    pixelSizeX: null, pixelSizeY: null, instrument: null, segments: segs, warnings: [],
    source: { imzml: 'a', ibd: 'b', ibdSize: 0, uuid: null }, createdAt: '',
  };
}

function table(ions: number[][]): CentroidTable {
  const n = ions.length;
  const t: CentroidTable = { n, mzs: new Float64Array(n * 4), ints: new Float64Array(n * 4), nPeaks: new Uint8Array(n) };
  ions.forEach((mzs, i) => {
    mzs.forEach((mz, k) => {
      t.mzs[i * 4 + k] = mz;
      t.ints[i * 4 + k] = 100 / (k + 1);
    });
    t.nPeaks[i] = mzs.length;
  });
  return t;
}

const segs: [number, number][] = [[100, 199], [200.5, 299], [301, 399], [401, 499], [500, 600]];

describe('planScoreTasks', () => {
  const ions = [
    [150, 151, 152], // segment 0
    [199.0004, 200.0008], // window of peak 0 touches seg 0, peak 1 lies in the gap before seg 1
    [250, 251], // seg 1
    [398.9999, 400, 401.0003], // straddles 2 and 3
    [50, 51], // entirely below the dataset: dropped
    [99, 100.5], // one peak inside → kept
    [700], // above: dropped
    [450, 451, 452, 453], // seg 3
    [560, 561], // seg 4
  ];
  const t = table(ions);
  const isTarget = new Uint8Array(t.n).fill(1);
  const mask = new Uint8Array(4).fill(1);

  it('keeps ions with a peak strictly inside the m/z range, each in exactly one task', () => {
    const tasks = planScoreTasks(t, meta(segs), mask, 3, isTarget, 2);
    const seen = tasks.flatMap((task) => Array.from(task.ions)).sort((a, b) => a - b);
    expect(seen).toEqual([0, 1, 2, 3, 5, 7, 8]);
    for (const task of tasks) expect(task.ions.length).toBeLessThanOrEqual(2);
  });

  it("gives each task every segment any of its ions' windows overlap, contiguously", () => {
    const m = meta(segs);
    const tasks = planScoreTasks(t, m, mask, 3, isTarget, 100);
    for (const task of tasks) {
      const s = task.input.segments;
      for (let k = 1; k < s.length; k++) expect(s[k]).toBe(s[k - 1] + 1);
      for (const ion of task.ions) {
        for (const mz of ions[ion]) {
          const d = mz * 3e-6;
          for (const seg of m.segments) {
            if (seg.mzMax >= mz - d && seg.mzMin <= mz + d) expect(s).toContain(seg.index);
          }
        }
      }
      // the task's centroid sub-table is the ions' own rows
      task.ions.forEach((ion, j) => {
        expect(Array.from(task.input.centroids.mzs.subarray(j * 4, j * 4 + 4))).toEqual(Array.from(t.mzs.subarray(ion * 4, ion * 4 + 4)));
      });
    }
  });

  it('splits groups that would need more than 3 segments', () => {
    const tasks = planScoreTasks(t, meta(segs), mask, 3, isTarget, 100);
    expect(tasks.length).toBeGreaterThan(1);
    for (const task of tasks) expect(task.input.segments.length).toBeLessThanOrEqual(3);
  });

  it('passes target flags through', () => {
    const flags = Uint8Array.from(ions.map((_, i) => i % 2));
    const tasks = planScoreTasks(t, meta(segs), mask, 3, flags, 100);
    for (const task of tasks) task.ions.forEach((ion, j) => expect(task.input.isTarget[j]).toBe(flags[ion]));
  });
});
