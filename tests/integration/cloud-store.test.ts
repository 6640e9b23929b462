// S3SegmentStore and S3Source against a real S3-compatible server (s3rver on 127.0.0.1), incl. bucket CORS.
import { S3Client, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalS3, type LocalS3 } from '../../cloud/local-s3.ts';
import { LOCAL_KEYS } from '../../cloud/local-stack.ts';
import type { DatasetMeta, Segment } from '../../src/core/types.ts';
import { S3Source } from '../../src/platform/cloud/s3-source.ts';
import { S3SegmentStore } from '../../src/platform/cloud/s3-store.ts';

let s3: LocalS3;
let client: S3Client;

beforeAll(async () => {
  s3 = await startLocalS3({ bucket: 'store-test', allowOrigin: 'http://127.0.0.1:4186' });
  client = new S3Client({ region: 'us-east-1', endpoint: s3.url, forcePathStyle: true, credentials: LOCAL_KEYS });
});
afterAll(async () => {
  client?.destroy();
  await s3?.close();
});

function segment(n: number, seed: number): Segment {
  const mz = new Float64Array(n);
  const intensity = new Float32Array(n);
  const pixel = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    mz[i] = 100 + seed + i * 0.001;
    intensity[i] = (i * 7 + seed) % 13;
    pixel[i] = (i * 31 + seed) % 97;
  }
  return { mz, intensity, pixel };
}

function meta(id: string, nSeg: number): DatasetMeta {
  return {
    id, name: id, width: 10, height: 10, minX: 1, minY: 1, nSpectra: 97, nSamplePixels: 97, totalPeaks: 0,
    mzMin: 100, mzMax: 200, polarity: 'positive', spectrumType: 'centroid', pixelSizeX: null, pixelSizeY: null,
    instrument: null, segments: Array.from({ length: nSeg }, (_, index) => ({ index, mzMin: 0, mzMax: 0, nPeaks: 0 })),
    warnings: [], source: { imzml: 'a.imzML', ibd: 'a.ibd', ibdSize: 0, uuid: null }, createdAt: '2026-01-01T00:00:00Z',
  };
}

describe('S3SegmentStore on s3rver', () => {
  it('lists a dataset only after commit, round-trips segments and blobs, and deletes everything', async () => {
    const store = new S3SegmentStore({ client, bucket: 'store-test', prefix: 'p/datasets' });
    expect(store.prefix).toBe('p/datasets/');
    const segs = [0, 1, 2].map((index) => ({ index, segment: segment(1000 + index, index) }));
    await store.putSegments('ds1', segs);
    await store.putBlob('ds1', 'mask', new Uint8Array([1, 0, 1]));
    expect(await store.list()).toEqual([]);
    expect(await store.listIncomplete()).toEqual(['ds1']);
    expect(await store.getMeta('ds1')).toBeNull();

    await store.commit(meta('ds1', 3));
    expect((await store.list()).map((m) => m.id)).toEqual(['ds1']);
    expect(await store.listIncomplete()).toEqual([]);
    expect((await store.getMeta('ds1'))!.segments.length).toBe(3);
    for (const { index, segment: want } of segs) {
      const got = await store.getSegment('ds1', index);
      expect(got.mz).toEqual(want.mz);
      expect(got.intensity).toEqual(want.intensity);
      expect(got.pixel).toEqual(want.pixel);
    }
    expect(Array.from((await store.getBlob('ds1', 'mask'))!)).toEqual([1, 0, 1]);
    expect(await store.getBlob('ds1', 'tic')).toBeNull();
    await expect(store.getSegment('ds1', 9)).rejects.toThrow(/segment 9 of dataset 'ds1' not found at s3:\/\/store-test\/p\/datasets\/ds1\/segment-9\.bin/);

    // A second, uncommitted dataset stays separate.
    await store.putSegments('ds2', [{ index: 0, segment: segment(10, 5) }]);
    expect((await store.list()).map((m) => m.id)).toEqual(['ds1']);
    expect(await store.listIncomplete()).toEqual(['ds2']);

    await store.delete('ds1');
    await store.delete('ds2');
    expect(await store.list()).toEqual([]);
    expect(await store.listIncomplete()).toEqual([]);
  });

  it('rejects dataset ids that would escape the prefix', async () => {
    const store = new S3SegmentStore({ client, bucket: 'store-test', prefix: '' });
    await expect(store.getMeta('a/b')).rejects.toThrow(/invalid dataset id/);
  });
});

describe('S3Source on s3rver', () => {
  it('reads exact byte ranges and rejects reads past the end', async () => {
    const bytes = new Uint8Array(100_000);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 13) & 255;
    await client.send(new PutObjectCommand({ Bucket: 'store-test', Key: 'raw/file.ibd', Body: bytes }));
    const src = await S3Source.open(client, 'store-test', 'raw/file.ibd');
    expect(src.size).toBe(100_000);
    expect(src.name).toBe('s3://store-test/raw/file.ibd');
    expect(Array.from(await src.read(99_990, 10))).toEqual(Array.from(bytes.subarray(99_990)));
    expect(Array.from(await src.read(12_345, 4))).toEqual(Array.from(bytes.subarray(12_345, 12_349)));
    await expect(src.read(99_995, 10)).rejects.toThrow(/outside the object \(100000 bytes\)/);
    await expect(S3Source.open(client, 'store-test', 'raw/missing.ibd')).rejects.toThrow(/cannot open s3:\/\/store-test\/raw\/missing\.ibd/);
  });

  it('answers CORS preflights for the page origin and exposes ETag and Content-Range', async () => {
    const pre = await fetch(`${s3.url}/store-test/raw/file.ibd`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://127.0.0.1:4186', 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization,range,x-amz-date' },
    });
    expect(pre.status).toBe(200);
    // s3rver answers preflights with '*' once a rule matches (real S3 echoes the origin); both admit the page.
    expect(['*', 'http://127.0.0.1:4186']).toContain(pre.headers.get('access-control-allow-origin'));
    expect((pre.headers.get('access-control-allow-headers') ?? '').toLowerCase()).toContain('authorization');
    const get = await fetch(`${s3.url}/store-test/raw/file.ibd`, { headers: { Origin: 'http://127.0.0.1:4186', Range: 'bytes=0-9' } });
    expect(get.status).toBe(206);
    expect(get.headers.get('content-range')).toBe('bytes 0-9/100000');
    const expose = (get.headers.get('access-control-expose-headers') ?? '').toLowerCase();
    expect(expose).toContain('etag');
    expect(expose).toContain('content-range');
    const other = await fetch(`${s3.url}/store-test/raw/file.ibd`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://evil.example', 'Access-Control-Request-Method': 'GET' },
    });
    expect(other.status).toBe(403);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});
