// The v3 spatial option travels with the score task: the score stage puts `spatial: 'v3'` into every task input of
// a v3 job (none into a v1 job's), and worker threads (NodePool, the CLI's executor; the same codec carries it to
// Lambda) score with it: their results equal scoreIons({ spatial: 'v3' }) in-process and differ from v1's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodePool } from '../../src/platform/node/node-pool.ts';
import { FileSegmentStore } from '../../src/platform/node/file-store.ts';
import { scoreIons, type ScoreResult } from '../../src/core/score/score-ions.ts';
import { scoreStage } from '../../src/core/job/stages/score.ts';
import type { ScoreTaskInput } from '../../src/core/job/score-task.ts';
import type { Executor } from '../../src/core/job/executor.ts';
import type { CentroidTable, DatasetMeta, Segment } from '../../src/core/types.ts';

const W = 9;
const H = 8;
let root: string;
let segment: Segment;
let meta: DatasetMeta;

// 12 ions, each with 4 isotope peaks over a blob of pixels (noisy copies of one shape): non-trivial spatial values
const centroids: CentroidTable = { n: 12, mzs: new Float64Array(48), ints: new Float64Array(48), nPeaks: new Uint8Array(12).fill(4) };
beforeAll(async () => {
  let s = 7;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const peaks: [number, number, number][] = [];
  for (let i = 0; i < 12; i++) {
    const m0 = 150 + i * 37.1;
    for (let k = 0; k < 4; k++) {
      centroids.mzs[i * 4 + k] = m0 + k * 1.00336;
      centroids.ints[i * 4 + k] = [100, 40 + i, 12, 3][k];
      for (let p = 0; p < W * H; p++) {
        const x = p % W;
        const y = Math.floor(p / W);
        const inBlob = (x - 4) ** 2 + (y - 3.5) ** 2 < 9 + i;
        if (inBlob ? rnd() < 0.9 : rnd() < 0.15) peaks.push([m0 + k * 1.00336 + (rnd() - 0.5) * 1e-4, Math.fround((inBlob ? 1000 : 100) * (1 - k * 0.2) * (0.5 + rnd())), p]);
      }
    }
  }
  peaks.sort((a, b) => a[0] - b[0]);
  segment = { mz: Float64Array.from(peaks, (q) => q[0]), intensity: Float32Array.from(peaks, (q) => q[1]), pixel: Uint32Array.from(peaks, (q) => q[2]) };
  root = await mkdtemp(join(tmpdir(), 'imzlens-v3-task-'));
  const store = new FileSegmentStore(root);
  await store.putSegments('ds1', [{ index: 0, segment }]);
  meta = {
    id: 'ds1', name: 'ds1', width: W, height: H, minX: 1, minY: 1, nSpectra: W * H, nSamplePixels: W * H, totalPeaks: peaks.length,
    mzMin: segment.mz[0], mzMax: segment.mz[peaks.length - 1], polarity: 'positive', spectrumType: 'centroid', pixelSizeX: null, pixelSizeY: null,
    instrument: null, segments: [{ index: 0, mzMin: segment.mz[0], mzMax: segment.mz[peaks.length - 1], nPeaks: peaks.length }],
    warnings: [], source: { imzml: 'x', ibd: 'y', ibdSize: 0, uuid: null }, createdAt: new Date().toISOString(),
  };
  await store.commit(meta);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const mask = new Uint8Array(W * H).fill(1);
const isTarget = new Uint8Array(12).fill(1);
const task = (): ScoreTaskInput => ({ datasetId: 'ds1', segments: [0], width: W, height: H, mask, centroids, isTarget, ppm: 3 });
const planned = () => [{ ions: Int32Array.from({ length: 12 }, (_, i) => i), input: task() }];

describe('the v3 spatial option in score tasks', () => {
  it('the score stage sets it on every task input of a v3 job only', async () => {
    const seen: ScoreTaskInput[] = [];
    const capture = {
      name: 'capture', concurrency: 1,
      map: async (_t: string, inputs: ScoreTaskInput[]) => {
        seen.push(...inputs);
        return inputs.map((i) => scoreIons({ segments: [segment], geometry: { width: W, height: H, mask }, centroids: i.centroids, isTarget: i.isTarget, ppm: i.ppm, spatial: i.spatial }));
      },
    } as unknown as Executor;
    const base = { nIons: 12, tasks: planned(), meta, centroids, isTarget, ppm: 3, executor: capture, onProgress: () => {} };
    await scoreStage(base);
    await scoreStage({ ...base, spatial: 'v3' });
    expect(seen.map((i) => i.spatial)).toEqual([undefined, 'v3']);
    expect('spatial' in seen[0]).toBe(false); // a v1 task input is exactly what it was
  });

  it('worker threads score with it: equal to in-process v3, different from v1', { timeout: 60_000 }, async () => {
    const pool = new NodePool({ storeRoot: root, workers: 2 });
    let out: ScoreResult[];
    try {
      out = await pool.map<ScoreTaskInput, ScoreResult>('score', [task(), { ...task(), spatial: 'v3' }]);
    } finally {
      await pool.close();
    }
    const local = (spatial?: 'v3') => scoreIons({ segments: [segment], geometry: { width: W, height: H, mask }, centroids, isTarget, ppm: 3, spatial });
    const v1 = local();
    const v3 = local('v3');
    expect(Array.from(out[0].spatial)).toEqual(Array.from(v1.spatial));
    expect(Array.from(out[1].spatial)).toEqual(Array.from(v3.spatial));
    expect(v3.spatial.filter((x) => x > 0 && x < 1).length).toBeGreaterThan(6);
    expect(Array.from(v3.spatial).some((x, i) => x !== v1.spatial[i])).toBe(true);
  });
});
