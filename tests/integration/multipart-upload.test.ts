// Resumable multipart upload (src/platform/cloud/multipart-upload.ts) against the local S3 (s3rver + the
// ListParts/Abort/NoSuchUpload extension in cloud/s3rver-multipart.ts): byte-identical objects, resume after a
// cancel sends only the missing parts, a stale upload id restarts cleanly, a failing part is retried.
import { AbortMultipartUploadCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalS3, type LocalS3 } from '../../cloud/local-s3.ts';
import {
  MemoryUploadStateStore,
  UploadCancelledError,
  UploadError,
  choosePartSize,
  discardUpload,
  uploadMultipart,
  type UploadSource,
} from '../../src/platform/cloud/multipart-upload.ts';

const MiB = 1024 * 1024;
const BUCKET = 'mpu-test';

let s3: LocalS3;
let client: S3Client;
/** Requests per command name, counted before the SDK's own retry layer. */
const calls = new Map<string, number>();
/** Test hook: may throw instead of sending (fault injection). */
let inject: ((command: string, input: Record<string, unknown>) => void) | null = null;

beforeAll(async () => {
  s3 = await startLocalS3({ bucket: BUCKET });
  client = new S3Client({ region: 'us-east-1', endpoint: s3.url, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = (context as { commandName?: string }).commandName ?? '?';
      calls.set(name, (calls.get(name) ?? 0) + 1);
      inject?.(name, args.input as Record<string, unknown>);
      return next(args);
    },
    { step: 'initialize', name: 'testCountAndFaults' },
  );
});

afterAll(async () => {
  client?.destroy();
  await s3?.close();
});

function resetCounts() {
  calls.clear();
  inject = null;
}
const count = (name: string) => calls.get(name) ?? 0;

/** Deterministic pseudo-random bytes (xorshift), so a wrong offset or a swapped part cannot go unnoticed. */
function bytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

function source(data: Uint8Array, name: string): UploadSource & { reads: number } {
  return {
    name, size: data.length, lastModified: 1_700_000_000_000, reads: 0,
    async read(offset, length) {
      this.reads++;
      if (offset < 0 || offset + length > data.length) throw new RangeError(`read ${offset}+${length} outside ${data.length}`);
      return data.slice(offset, offset + length);
    },
  };
}

async function getObject(key: string): Promise<Uint8Array> {
  const res = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return res.Body!.transformToByteArray();
}

function expectSame(a: Uint8Array, b: Uint8Array) {
  expect(a.length).toBe(b.length);
  // one call, not 40 M expect()s; Buffer.compare is byte-exact
  expect(Buffer.compare(Buffer.from(a), Buffer.from(b))).toBe(0);
}

describe('choosePartSize', () => {
  it('uses 8 MiB by default, never less than S3’s 5 MiB, and keeps the part count ≤ 10,000', () => {
    expect(choosePartSize(40 * MiB)).toBe(8 * MiB);
    expect(choosePartSize(40 * MiB, 1 * MiB)).toBe(5 * MiB);
    const big = 200 * 1024 * MiB; // 200 GiB
    const p = choosePartSize(big);
    expect(Math.ceil(big / p)).toBeLessThanOrEqual(10_000);
    expect(p % MiB).toBe(0);
    expect(p).toBeGreaterThan(8 * MiB);
    // exactly at the edge: 10,000 parts of 8 MiB need no raise
    expect(choosePartSize(10_000 * 8 * MiB)).toBe(8 * MiB);
  });
});

describe('uploadMultipart against s3rver', () => {
  it('uploads a 40 MB source in 8 MiB parts, byte-identical, with progress to 100 %', async () => {
    resetCounts();
    const data = bytes(40_000_000, 7);
    const states = new MemoryUploadStateStore();
    const progress: number[] = [];
    const res = await uploadMultipart({ client, bucket: BUCKET, key: 'a/forty.ibd', source: source(data, 'forty.ibd'), stateStore: states, onProgress: (p) => progress.push(p.done) });
    expect(res.single).toBe(false);
    expect(res.partsTotal).toBe(5); // 4 × 8 MiB + 6.4 MB
    expect(res.partsSent).toBe(5);
    expect(count('UploadPartCommand')).toBe(5);
    expect(count('CompleteMultipartUploadCommand')).toBe(1);
    expect(progress.at(-1)).toBe(data.length);
    for (let i = 1; i < progress.length; i++) expect(progress[i]).toBeGreaterThanOrEqual(progress[i - 1]);
    expect(states.map.size).toBe(0); // finished uploads leave no state behind
    expectSame(await getObject('a/forty.ibd'), data);
  });

  it('resumes after a cancel: ListParts confirms the parts S3 has and only the rest are sent', async () => {
    resetCounts();
    const data = bytes(40_000_000, 11);
    const states = new MemoryUploadStateStore();
    const ctrl = new AbortController();
    const first = uploadMultipart({
      client, bucket: BUCKET, key: 'b/resume.ibd', source: source(data, 'resume.ibd'), stateStore: states, queueSize: 2, signal: ctrl.signal,
      onProgress: (p) => { if (p.partsDone >= 2) ctrl.abort(); },
    });
    await expect(first).rejects.toBeInstanceOf(UploadCancelledError);
    const saved = [...states.map.values()];
    expect(saved).toHaveLength(1);
    const kept = saved[0].parts.length;
    expect(kept).toBeGreaterThanOrEqual(2);
    expect(kept).toBeLessThan(5);

    resetCounts();
    let started: { resumedParts: number; partsTotal: number } | null = null;
    const res = await uploadMultipart({ client, bucket: BUCKET, key: 'b/resume.ibd', source: source(data, 'resume.ibd'), stateStore: states, onStart: (s) => (started = s) });
    expect(count('ListPartsCommand')).toBe(1);
    expect(count('CreateMultipartUploadCommand')).toBe(0);
    expect(started).toEqual({ resumedParts: kept, partsTotal: 5, single: false });
    expect(res.resumedParts).toBe(kept);
    expect(res.partsSent).toBe(5 - kept);
    expect(count('UploadPartCommand')).toBe(5 - kept);
    expectSame(await getObject('b/resume.ibd'), data);
  });

  it('a part S3 does not list (lost) is sent again even though the saved state names it', async () => {
    resetCounts();
    const data = bytes(20_000_000, 13);
    const states = new MemoryUploadStateStore();
    const ctrl = new AbortController();
    await expect(uploadMultipart({
      client, bucket: BUCKET, key: 'c/lost.ibd', source: source(data, 'lost.ibd'), stateStore: states, partSize: 5 * MiB, queueSize: 1, signal: ctrl.signal,
      onProgress: (p) => { if (p.partsDone >= 2) ctrl.abort(); },
    })).rejects.toBeInstanceOf(UploadCancelledError);
    const [key, st] = [...states.map.entries()][0];
    expect(st.parts.map((p) => p.partNumber)).toEqual([1, 2]);
    // the state claims part 3 too, with an ETag S3 never gave: ListParts must win
    await states.set(key, { ...st, parts: [...st.parts, { partNumber: 3, etag: '"0123456789abcdef0123456789abcdef"', size: 5 * MiB }] });
    resetCounts();
    const res = await uploadMultipart({ client, bucket: BUCKET, key: 'c/lost.ibd', source: source(data, 'lost.ibd'), stateStore: states, partSize: 5 * MiB });
    expect(res.resumedParts).toBe(2);
    expect(count('UploadPartCommand')).toBe(2); // parts 3 and 4 of 4
    expectSame(await getObject('c/lost.ibd'), data);
  });

  it('a stale upload id (NoSuchUpload) restarts the upload cleanly', async () => {
    resetCounts();
    const data = bytes(18_000_000, 17);
    const states = new MemoryUploadStateStore();
    const ctrl = new AbortController();
    await expect(uploadMultipart({
      client, bucket: BUCKET, key: 'd/stale.ibd', source: source(data, 'stale.ibd'), stateStore: states, partSize: 5 * MiB, queueSize: 1, signal: ctrl.signal,
      onProgress: (p) => { if (p.partsDone >= 1) ctrl.abort(); },
    })).rejects.toBeInstanceOf(UploadCancelledError);
    const st = [...states.map.values()][0];
    // the upload disappears behind our back (lifecycle rule, another tab aborting it)
    await client.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: 'd/stale.ibd', UploadId: st.uploadId }));
    resetCounts();
    const res = await uploadMultipart({ client, bucket: BUCKET, key: 'd/stale.ibd', source: source(data, 'stale.ibd'), stateStore: states, partSize: 5 * MiB });
    expect(res.restarted).toBe(true);
    expect(res.resumedParts).toBe(0);
    expect(count('CreateMultipartUploadCommand')).toBe(1);
    expect(count('UploadPartCommand')).toBe(4);
    expect(states.map.size).toBe(0);
    expectSame(await getObject('d/stale.ibd'), data);
  });

  it('NoSuchUpload in the middle of sending parts also restarts once', async () => {
    resetCounts();
    const data = bytes(12_000_000, 19);
    let killed = false;
    inject = (name, input) => {
      if (name === 'UploadPartCommand' && input.PartNumber === 2 && !killed) {
        killed = true;
        throw Object.assign(new Error('The specified upload does not exist.'), { name: 'NoSuchUpload', $metadata: { httpStatusCode: 404 } });
      }
    };
    const res = await uploadMultipart({ client, bucket: BUCKET, key: 'd/stale2.ibd', source: source(data, 'stale2.ibd'), stateStore: new MemoryUploadStateStore(), partSize: 5 * MiB, queueSize: 1 });
    expect(res.restarted).toBe(true);
    expect(count('CreateMultipartUploadCommand')).toBe(2);
    expectSame(await getObject('d/stale2.ibd'), data);
  });

  it('a part failing with a 503 is retried with backoff; a 403 is not retried and says so', async () => {
    resetCounts();
    const data = bytes(17_000_000, 23);
    let failures = 0;
    inject = (name, input) => {
      if (name === 'UploadPartCommand' && input.PartNumber === 3 && failures < 2) {
        failures++;
        throw Object.assign(new Error('Slow Down'), { name: 'SlowDown', $metadata: { httpStatusCode: 503 } });
      }
    };
    const res = await uploadMultipart({ client, bucket: BUCKET, key: 'e/retry.ibd', source: source(data, 'retry.ibd'), partSize: 5 * MiB, retryBaseMs: 10 });
    expect(failures).toBe(2);
    expect(res.partsTotal).toBe(4);
    expect(res.uploadPartCalls).toBe(6);
    expect(count('UploadPartCommand')).toBe(6);
    expectSame(await getObject('e/retry.ibd'), data);

    resetCounts();
    inject = (name) => {
      if (name === 'UploadPartCommand') throw Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    };
    const err = await uploadMultipart({ client, bucket: BUCKET, key: 'e/denied.ibd', source: source(data, 'denied.ibd'), partSize: 5 * MiB, retryBaseMs: 10, queueSize: 1 }).catch((e) => e);
    expect(err).toBeInstanceOf(UploadError);
    expect(err.message).toMatch(/AccessDenied \(HTTP 403\)/);
    expect(err.message).toMatch(/s3:\/\/mpu-test\/e\/denied\.ibd/);
    expect(count('UploadPartCommand')).toBe(1);
  });

  it('an object smaller than one part goes up with a single PutObject', async () => {
    resetCounts();
    const data = bytes(3_000_000, 29);
    const states = new MemoryUploadStateStore();
    const res = await uploadMultipart({ client, bucket: BUCKET, key: 'f/small.imzML', source: source(data, 'small.imzML'), stateStore: states });
    expect(res.single).toBe(true);
    expect(count('PutObjectCommand')).toBe(1);
    expect(count('CreateMultipartUploadCommand')).toBe(0);
    expect(states.map.size).toBe(0);
    expectSame(await getObject('f/small.imzML'), data);
  });

  it('a different file with the same name and size does not pick up the parts of another', async () => {
    resetCounts();
    const a = bytes(12_000_000, 31);
    const b = bytes(12_000_000, 37);
    const states = new MemoryUploadStateStore();
    const ctrl = new AbortController();
    await expect(uploadMultipart({
      client, bucket: BUCKET, key: 'g/same.ibd', source: source(a, 'same.ibd'), stateStore: states, partSize: 5 * MiB, queueSize: 1, signal: ctrl.signal,
      onProgress: (p) => { if (p.partsDone >= 1) ctrl.abort(); },
    })).rejects.toBeInstanceOf(UploadCancelledError);
    resetCounts();
    const res = await uploadMultipart({ client, bucket: BUCKET, key: 'g/same.ibd', source: source(b, 'same.ibd'), stateStore: states, partSize: 5 * MiB });
    expect(res.resumedParts).toBe(0);
    expect(count('UploadPartCommand')).toBe(3);
    expectSame(await getObject('g/same.ibd'), b);
    // the first file's unfinished upload can still be discarded (AbortMultipartUpload + state removed)
    expect(await discardUpload(client, states, source(a, 'same.ibd'), BUCKET, 'g/same.ibd')).toBe(true);
    expect(states.map.size).toBe(0);
  });
});
