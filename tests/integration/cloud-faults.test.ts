// Fault tolerance of LambdaPool on the local stack: 20 % injected faults (throttle, 5xx, failure inside the
// function, timeout) must still give results identical to the in-process task, with the retries reported;
// a function killed for memory is retried on the bigger-memory function.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHandler } from '../../cloud/build.mjs';
import { startLocalStack, type LocalStack } from '../../cloud/local-stack.ts';
import { getTask } from '../../src/core/job/tasks.ts';
import { MemoryStore } from '../../src/core/memory-store.ts';
import type { DatasetMeta, Segment } from '../../src/core/types.ts';
import { createCloud } from '../../src/platform/cloud/config.ts';
import { formatStageReport } from '../../src/platform/cloud/lambda-pool.ts';

/** A hand-checkable dataset: segment s has 50 + s peaks with intensity s + k/4 (exact in float32). */
function segmentOf(s: number): Segment {
  const n = 50 + s;
  const mz = new Float64Array(n);
  const intensity = new Float32Array(n);
  const pixel = new Uint32Array(n);
  for (let k = 0; k < n; k++) {
    mz[k] = 100 + s + k * 1e-3;
    intensity[k] = s + k / 4;
    pixel[k] = k % 25;
  }
  return { mz, intensity, pixel };
}
const N_SEG = 12;
const meta: DatasetMeta = {
  id: 'synthetic', name: 'synthetic', width: 5, height: 5, minX: 1, minY: 1, nSpectra: 25, nSamplePixels: 25,
  totalPeaks: 0, mzMin: 100, mzMax: 112, polarity: null, spectrumType: 'centroid', pixelSizeX: null, pixelSizeY: null,
  instrument: null, segments: Array.from({ length: N_SEG }, (_, index) => ({ index, mzMin: 0, mzMax: 0, nPeaks: 50 + index })),
  warnings: [], source: { imzml: 's.imzML', ibd: 's.ibd', ibdSize: 0, uuid: null }, createdAt: '2026-01-01T00:00:00Z',
};

let faulty: LocalStack;
let oom: LocalStack;
const local = new MemoryStore();

beforeAll(async () => {
  await buildHandler();
  for (let s = 0; s < N_SEG; s++) await local.putSegments(meta.id, [{ index: s, segment: segmentOf(s) }]);
  await local.commit(meta);
  [faulty, oom] = await Promise.all([
    startLocalStack({
      bucket: 'faults', memoryTiers: [512, 1024], timeoutMs: 8_000, concurrency: 8,
      faults: { throttle: 0.05, error5xx: 0.05, fail: 0.05, timeout: 0.05, seed: 7 },
    }),
    startLocalStack({ bucket: 'oom', memoryTiers: [256, 1024], timeoutMs: 8_000, concurrency: 4 }),
  ]);
});

afterAll(async () => {
  await Promise.all([faulty?.close(), oom?.close()]);
});

describe('LambdaPool fault tolerance', () => {
  it('20 % injected faults: identical results, every fault retried and reported', { timeout: 240_000 }, async () => {
    const cloud = createCloud(faulty.config, { pollMs: 100, graceMs: 2_000, backoffMs: 50, maxAttempts: 8, log: (l) => console.log(l) });
    for (let s = 0; s < N_SEG; s++) await cloud.store.putSegments(meta.id, [{ index: s, segment: segmentOf(s) }]);
    await cloud.store.commit(meta);
    const inputs = Array.from({ length: 40 }, (_, i) => ({ datasetId: meta.id, segments: [i % N_SEG, (i * 5) % N_SEG] }));
    const got = await cloud.pool.map('segment-stats', inputs);
    const want = await Promise.all(inputs.map((x) => getTask('segment-stats')(x, { store: local })));
    expect(got).toEqual(want);
    // Hand check of one: segments 1 and 5 → peaks 51 + 55, intensity Σ(s + k/4).
    const sum = (s: number) => { let t = 0; for (let k = 0; k < 50 + s; k++) t += s + k / 4; return t; };
    expect(got[1]).toEqual({ peaks: 106, intensity: sum(1) + sum(5) });

    const r = cloud.pool.reports.at(-1)!;
    const inj = faulty.lambda.stats.injected;
    expect(inj.throttle + inj.error5xx + inj.fail + inj.timeout).toBeGreaterThan(0);
    expect(r.retries.throttle).toBe(inj.throttle);
    expect(r.retries.serverError).toBe(inj.error5xx);
    expect(r.retries.functionError).toBe(inj.fail);
    // Injected timeouts are retried; on a loaded machine a slow run may time out too.
    expect(r.retries.timeout).toBeGreaterThanOrEqual(inj.timeout);
    expect(r.invocations).toBe(40 + inj.fail + r.retries.timeout);
    console.log(`[cloud] injected ${JSON.stringify(inj)}; ${formatStageReport(r)}`);
  });

  it('a function killed for memory is retried on the bigger-memory function', { timeout: 120_000 }, async () => {
    const cloud = createCloud(oom.config, { pollMs: 100, graceMs: 1_000 });
    const [out] = await cloud.pool.map<{ mb: number }, { mb: number; check: number }>('cloud-alloc', [{ mb: 400 }]);
    expect(out.mb).toBe(400);
    const r = cloud.pool.reports.at(-1)!;
    expect(r.invocationsByMemoryMB).toEqual({ 256: 1, 1024: 1 });
    expect(r.retries.timeout).toBe(1);
    expect(oom.lambda.stats.oomKills).toBe(1);
    expect(r.maxRssMB).toBeGreaterThan(400);
    console.log(`[cloud] ${formatStageReport(r)}`);
  });

  it('an allocation failure inside the function escalates memory, then fails with a clear message', { timeout: 60_000 }, async () => {
    const cloud = createCloud(oom.config, { pollMs: 100, graceMs: 1_000 });
    await expect(cloud.pool.map('cloud-alloc', [{ mb: 1e8, single: true }])).rejects.toThrow(/after 2 attempts[^]*256 MB: RangeError[^]*1024 MB: RangeError/);
    const r = cloud.pool.reports.at(-1)!;
    expect(r.invocationsByMemoryMB).toEqual({ 256: 1, 1024: 1 });
    expect(r.retries.outOfMemory).toBe(1);
  });
});
