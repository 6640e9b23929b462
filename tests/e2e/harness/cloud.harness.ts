// Harness: drives the cloud plumbing (S3 store, S3 source, LambdaPool) from a real page, so Playwright can
// check the whole path through real CORS against the local stack (cloud/local-stack.ts).
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { createCloud, type CloudConfig } from '../../../src/platform/cloud/config.ts';
import { S3Source } from '../../../src/platform/cloud/s3-source.ts';

export const api = {
  /** Writes a segment, reads ranges back, runs a small map on Lambda, and reports what the browser could see. */
  async cloudSmoke(cfg: CloudConfig) {
    const { s3, lambda, store, pool } = createCloud(cfg, { pollMs: 100, graceMs: 2000 });
    const n = 1000;
    const mz = new Float64Array(n).map((_, i) => 100 + i / 10);
    const intensity = new Float32Array(n).map((_, i) => (i % 7) + 0.5);
    const pixel = new Uint32Array(n).map((_, i) => i % 10);
    await store.putSegments('browser-ds', [{ index: 0, segment: { mz, intensity, pixel } }]);
    const key = `${cfg.prefix}datasets/browser-ds/segment-0.bin`;
    const head = await s3.send(new HeadObjectCommand({ Bucket: cfg.bucket, Key: key }));
    const src = await S3Source.open(s3, cfg.bucket, key);
    const first = await src.read(0, 4);
    const results = await pool.map<{ datasetId: string; segments: number[] }, { peaks: number; intensity: number }>('segment-stats', [
      { datasetId: 'browser-ds', segments: [0] },
      { datasetId: 'browser-ds', segments: [0, 0] },
    ]);
    let expected = 0;
    for (let i = 0; i < n; i++) expected += intensity[i];
    // A function error must be visible to the browser SDK (needs Access-Control-Expose-Headers).
    const bad = await lambda.send(new InvokeCommand({ FunctionName: cfg.tiers[0].functionName, Payload: new TextEncoder().encode('{"op":"nope"}') }));
    return {
      etag: head.ETag ?? null,
      magic: String.fromCharCode(...first),
      size: src.size,
      results,
      expected: { peaks: n, intensity: expected },
      functionError: bad.FunctionError ?? null,
      report: pool.reports[0],
    };
  },
};
