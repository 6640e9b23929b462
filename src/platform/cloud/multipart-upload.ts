// Resumable S3 multipart upload of a byte source (a File/Blob in the page, a file in Node), with the AWS SDK v3
// only, so it runs in both: the one upload path of the page and the CLI. Why not lib-storage's Upload: it cannot resume. A closed tab or a Cancel here keeps
// the upload id and the finished parts in an UploadStateStore; the next start asks S3 (ListParts) which parts
// it really holds and sends only the others.
//
// Rules (S3 limits): parts are ≥ 5 MiB except the last, at most 10,000 parts; we use ≥ 8 MiB parts, raised so
// the count stays ≤ 10,000. An object smaller than one part goes up with one PutObject.
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  ListPartsCommand,
  PutObjectCommand,
  UploadPartCommand,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Hasher } from '../../core/hash.ts';

/** What we upload: a File/Blob wrapper in the page, a file in Node. */
export interface UploadSource {
  size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
  /** File name and modification time, when known: part of the resume fingerprint. */
  name?: string;
  lastModified?: number;
}

export interface UploadedPart {
  partNumber: number;
  etag: string;
  size: number;
  /** CRC32 the SDK asked S3 to check; S3 wants it back in CompleteMultipartUpload. */
  checksumCRC32?: string;
}

/** What is kept between runs for one (file, bucket, key). */
export interface UploadState {
  uploadId: string;
  bucket: string;
  key: string;
  size: number;
  partSize: number;
  parts: UploadedPart[];
  /** Whether CreateMultipartUpload asked for CRC32 part checksums. */
  crc32: boolean;
  startedAt: string;
}

/** Pluggable persistence of UploadState (page: IndexedDB; tests: memory). */
export interface UploadStateStore {
  get(key: string): Promise<UploadState | undefined>;
  set(key: string, state: UploadState): Promise<void>;
  delete(key: string): Promise<void>;
}

export class MemoryUploadStateStore implements UploadStateStore {
  readonly map = new Map<string, UploadState>();
  async get(key: string) {
    const s = this.map.get(key);
    return s ? structuredClone(s) : undefined;
  }
  async set(key: string, state: UploadState) {
    this.map.set(key, structuredClone(state));
  }
  async delete(key: string) {
    this.map.delete(key);
  }
}

export interface UploadProgress {
  /** Bytes in S3 (parts resumed from an earlier run included) and the object's size. */
  done: number;
  total: number;
  /** Rate of this run's transfer (resumed bytes are not counted), MB/s (10^6 bytes). */
  mbPerS: number;
  etaS: number | null;
  partsDone: number;
  partsTotal: number;
  /** Parts S3 already held when this run started (0 for a fresh upload). */
  resumedParts: number;
}

export interface MultipartUploadOptions {
  client: S3Client;
  bucket: string;
  key: string;
  source: UploadSource;
  /** Without one the upload cannot resume after a cancel or a crash. */
  stateStore?: UploadStateStore;
  /** Smallest part size in bytes (default 8 MiB; S3 refuses < 5 MiB, so smaller values are raised to 5 MiB). */
  partSize?: number;
  /** Parts in flight at once (default 4). */
  queueSize?: number;
  /** Retries of one failed part (default 4), with exponential backoff from `retryBaseMs` (default 500 ms). */
  maxRetries?: number;
  retryBaseMs?: number;
  signal?: AbortSignal;
  onProgress?: (p: UploadProgress) => void;
  /** Called once after the resume check, before any byte is sent. */
  onStart?: (info: { resumedParts: number; partsTotal: number; single: boolean }) => void;
  contentType?: string;
}

export interface UploadResult {
  bucket: string;
  key: string;
  size: number;
  /** true = one PutObject (object smaller than one part). */
  single: boolean;
  partsTotal: number;
  /** Parts sent by this run, and those S3 already held from an earlier one. */
  partsSent: number;
  resumedParts: number;
  /** UploadPart requests made, retries included. */
  uploadPartCalls: number;
  /** A stale upload id (NoSuchUpload) was dropped and the upload started over. */
  restarted: boolean;
  etag: string | undefined;
}

export class UploadError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'UploadError';
  }
}

export class UploadCancelledError extends Error {
  constructor(message = 'upload cancelled') {
    super(message);
    this.name = 'UploadCancelledError';
  }
}

export const MIN_PART_SIZE = 5 * 1024 * 1024;
export const DEFAULT_PART_SIZE = 8 * 1024 * 1024;
export const MAX_PARTS = 10_000;

/** Part size for an object: at least `min` (≥ 5 MiB), raised in whole MiB so there are at most 10,000 parts. */
export function choosePartSize(size: number, min = DEFAULT_PART_SIZE): number {
  let part = Math.max(MIN_PART_SIZE, Math.ceil(min));
  if (Math.ceil(size / part) > MAX_PARTS) part = Math.ceil(size / MAX_PARTS / 1048576) * 1048576;
  return part;
}

const FP_EDGE = 1024 * 1024;

/**
 * Identity of a file for resuming: name, size, modification time (when known) and a hash of its first and last
 * 1 MiB, so a different file that happens to share name and size does not pick up another file's parts.
 */
export async function sourceFingerprint(source: UploadSource): Promise<string> {
  const h = new Hasher().string(source.name ?? '').number(source.size).number(source.lastModified ?? -1);
  const head = Math.min(FP_EDGE, source.size);
  h.bytes(await source.read(0, head));
  if (source.size > head) {
    const tail = Math.min(FP_EDGE, source.size - head);
    h.bytes(await source.read(source.size - tail, tail));
  }
  return h.hex();
}

/** Key of the upload state: fingerprint + bucket + key. */
export function uploadStateKey(fingerprint: string, bucket: string, key: string): string {
  return `${fingerprint}|${bucket}|${key}`;
}

function errName(e: unknown): string {
  const err = e as { name?: string; Code?: string };
  return err?.name ?? err?.Code ?? '';
}
function httpStatus(e: unknown): number | undefined {
  return (e as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}
function isNoSuchUpload(e: unknown): boolean {
  return errName(e) === 'NoSuchUpload';
}
function isAbort(e: unknown, signal?: AbortSignal): boolean {
  return !!signal?.aborted || errName(e) === 'AbortError';
}
/** Worth another try: throttling, 5xx, network failures. 4xx (403, NoSuchBucket…) will not get better. */
function isTransient(e: unknown): boolean {
  const s = httpStatus(e);
  if (s !== undefined) return s === 429 || s >= 500 || s === 408;
  const n = errName(e);
  return n === 'TypeError' || n === 'TimeoutError' || n === 'RequestTimeout' || /ECONNRESET|EPIPE|ETIMEDOUT|socket|network|fetch/i.test((e as Error)?.message ?? '');
}

function describe(e: unknown): string {
  const s = httpStatus(e);
  return `${errName(e) || 'Error'}${s ? ` (HTTP ${s})` : ''}: ${(e as Error)?.message ?? String(e)}`;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new UploadCancelledError());
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new UploadCancelledError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

const unquote = (etag: string) => etag.replace(/"/g, '');

/** What the steps of one multipart upload share. */
interface Plan {
  o: MultipartUploadOptions;
  partSize: number;
  partsTotal: number;
  /** s3://bucket/key, for messages. */
  where: string;
  store: UploadStateStore | undefined;
  stateKey: string;
  /** UploadPart requests (retries included) and parts sent by this run. */
  uploadPartCalls: number;
  partsSent: number;
}

/** Size of part `n` (1-based): the part size, the last part what is left. */
function partLen(p: Plan, n: number): number {
  return Math.min(p.partSize, p.o.source.size - (n - 1) * p.partSize);
}

const sortedParts = (m: Map<number, UploadedPart>) => [...m.values()].sort((a, b) => a.partNumber - b.partNumber);

/**
 * Uploads `source` to s3://bucket/key, resuming an earlier unfinished upload of the same file when the state
 * store has one. Resolves when the object is complete; rejects with UploadCancelledError on abort (the parts
 * sent so far stay in S3 for the next run), or UploadError saying what failed.
 */
export async function uploadMultipart(opts: MultipartUploadOptions): Promise<UploadResult> {
  const { bucket, key, source, signal } = opts;
  const partSize = choosePartSize(source.size, opts.partSize ?? DEFAULT_PART_SIZE);
  const where = `s3://${bucket}/${key}`;
  if (signal?.aborted) throw new UploadCancelledError();
  if (source.size < partSize) return putSingle(opts, where);

  const store = opts.stateStore;
  const plan: Plan = {
    o: opts, partSize, partsTotal: Math.ceil(source.size / partSize), where, store,
    stateKey: store ? uploadStateKey(await sourceFingerprint(source), bucket, key) : '', uploadPartCalls: 0, partsSent: 0,
  };
  let { state, restarted } = await resumeState(plan);
  if (store) await store.set(plan.stateKey, state);
  const resumedParts = state.parts.length;
  opts.onStart?.({ resumedParts, partsTotal: plan.partsTotal, single: false });

  try {
    try {
      await sendParts(plan, state, resumedParts);
    } catch (e) {
      if (!isNoSuchUpload(e) || restarted) throw e;
      // the upload id went stale between ListParts and UploadPart: one clean restart
      restarted = true;
      if (store) await store.delete(plan.stateKey);
      state = await createUpload(plan);
      if (store) await store.set(plan.stateKey, state);
      await sendParts(plan, state, resumedParts);
    }
    const etag = await completeUpload(plan, state);
    if (store) await store.delete(plan.stateKey);
    return {
      bucket, key, size: source.size, single: false, partsTotal: plan.partsTotal, partsSent: plan.partsSent,
      resumedParts: restarted ? 0 : resumedParts, uploadPartCalls: plan.uploadPartCalls, restarted, etag,
    };
  } catch (e) {
    if (e instanceof UploadCancelledError || e instanceof UploadError) throw e;
    if (isAbort(e, signal)) throw new UploadCancelledError();
    throw new UploadError(`uploading ${source.name ?? 'the file'} to ${where} failed: ${describe(e)}`, e);
  }
}

/** An object smaller than one part: one PutObject. */
async function putSingle(opts: MultipartUploadOptions, where: string): Promise<UploadResult> {
  const { client, bucket, key, source, signal } = opts;
  opts.onStart?.({ resumedParts: 0, partsTotal: 1, single: true });
  const t0 = performance.now();
  const body = await source.read(0, source.size);
  let etag: string | undefined;
  try {
    const res = await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: opts.contentType }), { abortSignal: signal });
    etag = res.ETag;
  } catch (e) {
    if (isAbort(e, signal)) throw new UploadCancelledError();
    throw new UploadError(`uploading ${source.name ?? 'the file'} to ${where} failed: ${describe(e)}`, e);
  }
  const dt = (performance.now() - t0) / 1000;
  opts.onProgress?.({ done: source.size, total: source.size, mbPerS: dt > 0 ? source.size / dt / 1e6 : 0, etaS: 0, partsDone: 1, partsTotal: 1, resumedParts: 0 });
  return { bucket, key, size: source.size, single: true, partsTotal: 1, partsSent: 1, resumedParts: 0, uploadPartCalls: 0, restarted: false, etag };
}

/**
 * The upload to continue: the saved one with the parts S3 really holds, or a new one (none saved, saved with
 * another part size, or its upload id gone stale — then `restarted`).
 */
async function resumeState(p: Plan): Promise<{ state: UploadState; restarted: boolean }> {
  const { client, bucket, key, source, signal } = p.o;
  let restarted = false;
  let state: UploadState | undefined = p.store ? await p.store.get(p.stateKey) : undefined;
  if (state && (state.partSize !== p.partSize || state.size !== source.size || state.bucket !== bucket || state.key !== key)) {
    // another part size (option changed): parts cannot be reused; drop that upload
    await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: state.uploadId })).catch(() => {});
    state = undefined;
  }
  if (!state) return { state: await createUpload(p), restarted };
  // Which parts S3 really holds: ListParts is the truth. A part counts when its size is what this file's part
  // must be and, if we recorded its ETag, the ETag matches.
  let held: Map<number, UploadedPart>;
  try {
    held = await listParts(client, state, signal);
    const recorded = new Map(state.parts.map((x) => [x.partNumber, x]));
    for (const [n, part] of held) {
      const r = recorded.get(n);
      if (part.size !== partLen(p, n) || (r && unquote(r.etag) !== unquote(part.etag))) held.delete(n);
      else if (r?.checksumCRC32 && !part.checksumCRC32) part.checksumCRC32 = r.checksumCRC32;
    }
  } catch (e) {
    if (isAbort(e, signal)) throw new UploadCancelledError();
    if (!isNoSuchUpload(e)) throw new UploadError(`checking the unfinished upload of ${p.where} (ListParts) failed: ${describe(e)}`, e);
    // stale upload id (aborted, expired by a lifecycle rule, or completed elsewhere): start over cleanly
    restarted = true;
    return { state: await createUpload(p), restarted };
  }
  state.parts = sortedParts(held);
  return { state, restarted };
}

/** CreateMultipartUpload (with CRC32 part checksums when the client computes them). */
async function createUpload(p: Plan): Promise<UploadState> {
  const { client, bucket, key, source, signal } = p.o;
  const crc32 = (await client.config.requestChecksumCalculation?.()) === 'WHEN_SUPPORTED';
  try {
    const res = await client.send(
      new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: p.o.contentType, ...(crc32 ? { ChecksumAlgorithm: 'CRC32' as const } : {}) }),
      { abortSignal: signal },
    );
    if (!res.UploadId) throw new Error('S3 answered without an UploadId');
    return { uploadId: res.UploadId, bucket, key, size: source.size, partSize: p.partSize, parts: [], crc32, startedAt: new Date().toISOString() };
  } catch (e) {
    if (isAbort(e, signal)) throw new UploadCancelledError();
    throw new UploadError(`starting the multipart upload of ${p.where} failed: ${describe(e)}`, e);
  }
}

/** Sends the parts `st` does not hold yet, `queueSize` at a time, saving the state after each; fills `st.parts`. */
async function sendParts(p: Plan, st: UploadState, resumedParts: number): Promise<void> {
  const { source, signal } = p.o;
  const done = new Map(st.parts.map((x) => [x.partNumber, x]));
  const todo: number[] = [];
  for (let n = 1; n <= p.partsTotal; n++) if (!done.has(n)) todo.push(n);
  const resumedBytes = st.parts.reduce((sum, x) => sum + x.size, 0);
  let sentBytes = 0;
  const t0 = performance.now();
  const report = () => {
    const dt = (performance.now() - t0) / 1000;
    const rate = dt > 0 ? sentBytes / dt : 0;
    const doneBytes = resumedBytes + sentBytes;
    p.o.onProgress?.({
      done: doneBytes, total: source.size, mbPerS: rate / 1e6,
      etaS: rate > 0 ? (source.size - doneBytes) / rate : null,
      partsDone: done.size, partsTotal: p.partsTotal, resumedParts,
    });
  };
  report();
  // state writes are serialised so a slow write cannot overwrite a newer one
  let saving: Promise<void> = Promise.resolve();
  const save = () => {
    const store = p.store;
    if (!store) return saving;
    const snapshot: UploadState = { ...st, parts: sortedParts(done) };
    saving = saving.then(() => store.set(p.stateKey, snapshot));
    return saving;
  };
  const inner = new AbortController();
  const onAbort = () => inner.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  let next = 0;
  const worker = async () => {
    try {
      while (next < todo.length && !inner.signal.aborted) {
        const n = todo[next++];
        await sendPart(p, st, n, inner.signal, async (part) => {
          done.set(n, part);
          p.partsSent++;
          sentBytes += part.size;
          await save();
          report();
        });
      }
    } catch (e) {
      inner.abort(); // stop the other workers; their parts are re-sent on the next run
      throw e;
    }
  };
  try {
    const results = await Promise.allSettled(Array.from({ length: Math.min(p.o.queueSize ?? 4, Math.max(1, todo.length)) }, worker));
    await saving.catch(() => {});
    if (signal?.aborted) throw new UploadCancelledError();
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (rejected.length) {
      // the first real error, not the "stopped because a sibling failed" ones
      const real = rejected.find((r) => errName(r.reason) !== 'AbortError' && !(r.reason instanceof UploadCancelledError));
      throw (real ?? rejected[0]).reason;
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  st.parts = sortedParts(done);
}

/**
 * One UploadPart, re-tried with backoff on transient failures. `accepted` records the part (state, progress);
 * it runs inside the retry, as a failure there counts as the part's failure.
 */
async function sendPart(p: Plan, st: UploadState, n: number, abort: AbortSignal, accepted: (part: UploadedPart) => Promise<void>): Promise<void> {
  const { client, bucket, key, source, signal } = p.o;
  const maxRetries = p.o.maxRetries ?? 4;
  const base = p.o.retryBaseMs ?? 500;
  const body = await source.read((n - 1) * p.partSize, partLen(p, n));
  for (let attempt = 0; ; attempt++) {
    try {
      p.uploadPartCalls++;
      const res = await client.send(
        new UploadPartCommand({
          Bucket: bucket, Key: key, UploadId: st.uploadId, PartNumber: n, Body: body,
          ...(st.crc32 ? { ChecksumAlgorithm: 'CRC32' as const } : {}),
        }),
        { abortSignal: abort },
      );
      if (!res.ETag) {
        throw new UploadError(
          `S3 accepted part ${n} of ${p.where} but the browser could not see its ETag header: the bucket's CORS rule must list ETag under ExposeHeaders (see docs/cloud.md)`,
        );
      }
      await accepted({ partNumber: n, etag: res.ETag, size: body.byteLength, ...(res.ChecksumCRC32 ? { checksumCRC32: res.ChecksumCRC32 } : {}) });
      return;
    } catch (e) {
      if (isAbort(e, signal)) throw new UploadCancelledError();
      if (e instanceof UploadError || isNoSuchUpload(e) || !isTransient(e) || attempt >= maxRetries) throw e;
      await sleep(Math.min(10_000, base * 2 ** attempt) * (0.75 + Math.random() / 2), signal);
    }
  }
}

/** CompleteMultipartUpload with every part; a lost upload drops the saved state (nothing left to resume). */
async function completeUpload(p: Plan, state: UploadState): Promise<string | undefined> {
  const { client, bucket, key, signal } = p.o;
  const parts: CompletedPart[] = state.parts.map((x) => ({ PartNumber: x.partNumber, ETag: x.etag, ...(x.checksumCRC32 ? { ChecksumCRC32: x.checksumCRC32 } : {}) }));
  try {
    const res = await client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: state.uploadId, MultipartUpload: { Parts: parts } }), { abortSignal: signal });
    return res.ETag;
  } catch (e) {
    if (isAbort(e, signal)) throw new UploadCancelledError();
    if (isNoSuchUpload(e) || errName(e) === 'InvalidPart') {
      if (p.store) await p.store.delete(p.stateKey);
      throw new UploadError(`completing the upload of ${p.where} failed: ${describe(e)}; its parts are gone from S3 — start the upload again`, e);
    }
    throw e;
  }
}

/** All parts S3 holds for an upload (ListParts, paginated). */
async function listParts(client: S3Client, st: UploadState, signal?: AbortSignal): Promise<Map<number, UploadedPart>> {
  const out = new Map<number, UploadedPart>();
  let marker: string | undefined;
  for (;;) {
    const res = await client.send(
      new ListPartsCommand({ Bucket: st.bucket, Key: st.key, UploadId: st.uploadId, PartNumberMarker: marker, MaxParts: 1000 }),
      { abortSignal: signal },
    );
    for (const p of res.Parts ?? []) {
      if (p.PartNumber === undefined || !p.ETag) continue;
      out.set(p.PartNumber, { partNumber: p.PartNumber, etag: p.ETag, size: Number(p.Size ?? -1), ...(p.ChecksumCRC32 ? { checksumCRC32: p.ChecksumCRC32 } : {}) });
    }
    if (!res.IsTruncated || res.NextPartNumberMarker === undefined) break;
    marker = String(res.NextPartNumberMarker);
  }
  return out;
}

/** Gives up an unfinished upload: S3 frees its parts, the saved state is removed. */
export async function discardUpload(client: S3Client, stateStore: UploadStateStore, source: UploadSource, bucket: string, key: string): Promise<boolean> {
  const stateKey = uploadStateKey(await sourceFingerprint(source), bucket, key);
  const st = await stateStore.get(stateKey);
  if (!st) return false;
  await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: st.uploadId })).catch((e) => {
    if (!isNoSuchUpload(e)) throw new UploadError(`aborting the unfinished upload of s3://${bucket}/${key} failed: ${describe(e)}`, e);
  });
  await stateStore.delete(stateKey);
  return true;
}

/** Resumable-upload state of one file, if any (for a "resuming: 3 of 7 parts" hint before starting). */
export async function savedUploadState(stateStore: UploadStateStore, source: UploadSource, bucket: string, key: string): Promise<UploadState | undefined> {
  return stateStore.get(uploadStateKey(await sourceFingerprint(source), bucket, key));
}
