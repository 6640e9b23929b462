// The Node worker_threads executor: real threads, real on-disk store, the registered task functions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodePool } from '../../src/platform/node/node-pool.ts';
import { FileSegmentStore } from '../../src/platform/node/file-store.ts';
import { CancelledError } from '../../src/core/job/executor.ts';
import type { DatasetMeta, Segment } from '../../src/core/types.ts';

let root: string;
const segments: Segment[] = [];

function seg(n: number, base: number): Segment {
  const mz = new Float64Array(n);
  const intensity = new Float32Array(n);
  const pixel = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    mz[i] = base + i * 0.01;
    intensity[i] = (i % 7) + 0.5;
    pixel[i] = i % 4;
  }
  return { mz, intensity, pixel };
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'imzlens-pool-'));
  const store = new FileSegmentStore(root);
  for (let i = 0; i < 6; i++) segments.push(seg(1000 + i * 10, 100 + i * 100));
  await store.putSegments('ds1', segments.map((segment, index) => ({ index, segment })));
  const meta: DatasetMeta = {
    id: 'ds1', name: 'ds1', width: 2, height: 2, minX: 1, minY: 1, nSpectra: 4, nSamplePixels: 4,
    totalPeaks: segments.reduce((s, x) => s + x.mz.length, 0), mzMin: 100, mzMax: 700, polarity: 'positive',
    spectrumType: 'centroid', pixelSizeX: null, pixelSizeY: null, instrument: null,
    segments: segments.map((s, index) => ({ index, mzMin: s.mz[0], mzMax: s.mz[s.mz.length - 1], nPeaks: s.mz.length })),
    warnings: [], source: { imzml: 'x', ibd: 'y', ibdSize: 0, uuid: null }, createdAt: new Date().toISOString(),
  };
  await store.commit(meta);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const expected = (idx: number[]) => {
  let peaks = 0;
  let intensity = 0;
  for (const i of idx) {
    peaks += segments[i].mz.length;
    for (const v of segments[i].intensity) intensity += v;
  }
  return { peaks, intensity };
};

describe('NodePool', () => {
  it('runs tasks on worker threads, results in input order', async () => {
    const pool = new NodePool({ storeRoot: root, workers: 2 });
    const inputs = [[0], [1, 2], [3], [4, 5], [0, 5], [2]].map((s) => ({ datasetId: 'ds1', segments: s }));
    const progress: number[] = [];
    const out = await pool.map<{ datasetId: string; segments: number[] }, { peaks: number; intensity: number }>('segment-stats', inputs, {
      onProgress: (d) => progress.push(d),
    });
    await pool.close();
    expect(out).toEqual(inputs.map((i) => expected(i.segments)));
    expect(progress).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("fails the job with the task's own message", async () => {
    const pool = new NodePool({ storeRoot: root, workers: 2 });
    await expect(pool.map('segment-stats', [{ datasetId: 'ds1', segments: [0] }, { datasetId: 'nope', segments: [0] }])).rejects.toThrow(/nope/);
    await expect(pool.map('no-such-task', [{}])).rejects.toThrow(/unknown task 'no-such-task'/);
    // the pool is usable again after a failure
    expect(await pool.map('segment-stats', [{ datasetId: 'ds1', segments: [1] }])).toEqual([expected([1])]);
    await pool.close();
  });

  it('cancels on abort with CancelledError and stops its threads', async () => {
    const pool = new NodePool({ storeRoot: root, workers: 2 });
    const ac = new AbortController();
    const inputs = Array.from({ length: 200 }, () => ({ datasetId: 'ds1', segments: [0, 1, 2, 3, 4, 5] }));
    const p = pool.map('segment-stats', inputs, { signal: ac.signal, onProgress: (d) => d === 3 && ac.abort() });
    await expect(p).rejects.toBeInstanceOf(CancelledError);
    await pool.close();
  });
});
