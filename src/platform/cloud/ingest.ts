// Cloud ingest driver (Node CLI and the page): segments an imzML/ibd pair already in S3 with Lambda tasks.
// Below `splitAboveBytes` of ibd one 'cloud-ingest' invocation does it all; above, the split ingest fans out
// (cloud/ingest-task.ts): one 'ingest-plan', one 'ingest-chunk' per ~chunkBytes of ibd, one 'ingest-merge' per
// m/z bucket, one 'ingest-finish'. Everything between the steps travels through S3 (the invoke payloads carry keys
// and numbers only). The result equals the single-pass ingest of the same pair (same segments, same meta except
// createdAt). Shared code: only the AWS SDK, no node:*.
import { DEFAULT_CHUNK_BYTES, mergeAll, planMerges, type MergeWork } from '../../core/imzml/split-ingest.ts';
import { DEFAULT_TARGET_SEGMENT_BYTES } from '../../core/imzml/ingest.ts';
import type { DatasetMeta, SegmentInfo } from '../../core/types.ts';
import type { Cloud } from './config.ts';
import { S3Source } from './s3-source.ts';

/** ibd size above which the ingest is split over many invocations. */
export const DEFAULT_SPLIT_ABOVE_BYTES = 2 * 1024 ** 3;

export interface CloudIngestRequest {
  /** Bucket of the uploaded pair (default: the store's bucket). */
  bucket?: string;
  imzmlKey: string;
  ibdKey: string;
  datasetId: string;
  name: string;
  targetSegmentBytes?: number;
  /** ibd bytes per chunk task in the split path (default 1 GiB). */
  chunkBytes?: number;
}

export interface CloudIngestOptions {
  signal?: AbortSignal;
  /** Stages: 'ingest (Lambda)' for the single task; 'plan', 'chunks', 'merge', 'remerge', 'finish' when split. */
  onProgress?(stage: string, done: number, total: number): void;
  /** Split when the ibd is at least this big (default 2 GiB); 0 always splits. */
  splitAboveBytes?: number;
}

/**
 * Default chunk size for a function of `memoryMB`: a chunk task peaks at about 2.65 × its chunk (measured, see
 * docs/scaling.md §1.2) plus the runtime, so chunks are sized to fit the first memory tier instead of being killed
 * there and rerun on the next one. At most DEFAULT_CHUNK_BYTES (1 GiB), at least 64 MiB, in 64 MiB steps.
 */
export function chunkBytesFor(memoryMB: number): number {
  const step = 64 << 20;
  const fit = Math.floor(((memoryMB - 256) * 2 ** 20) / 3 / step) * step;
  return Math.min(DEFAULT_CHUNK_BYTES, Math.max(step, fit));
}

/** Runs the cloud ingest and returns the committed dataset's meta (the pool's reports hold per-stage figures). */
export async function runCloudIngest(cloud: Cloud, input: CloudIngestRequest, opts: CloudIngestOptions = {}): Promise<DatasetMeta> {
  const { signal } = opts;
  const progress = opts.onProgress ?? (() => {});
  const bucket = input.bucket ?? cloud.store.bucket;
  const splitAbove = opts.splitAboveBytes ?? DEFAULT_SPLIT_ABOVE_BYTES;
  const ibdSize = splitAbove > 0 ? (await S3Source.open(cloud.s3, bucket, input.ibdKey)).size : Infinity;
  const base = { imzmlKey: input.imzmlKey, ibdKey: input.ibdKey, bucket, datasetId: input.datasetId, name: input.name, targetSegmentBytes: input.targetSegmentBytes };

  if (ibdSize < splitAbove) {
    const [out] = await cloud.pool.map<unknown, { meta: DatasetMeta }>('cloud-ingest', [base], {
      signal,
      onProgress: (d, t) => progress('ingest (Lambda)', d, t),
    });
    return out.meta;
  }

  const target = input.targetSegmentBytes ?? DEFAULT_TARGET_SEGMENT_BYTES;
  try {
    progress('plan', 0, 1);
    const [plan] = await cloud.pool.map<unknown, { nChunks: number; nBuckets: number }>(
      'ingest-plan', [{ ...base, chunkBytes: input.chunkBytes ?? chunkBytesFor(cloud.pool.smallestMemoryMB) }], { signal, stage: 'ingest-plan' },
    );
    progress('plan', 1, 1);

    const chunkInputs = Array.from({ length: plan.nChunks }, (_, chunk) => ({ ibdKey: input.ibdKey, bucket, datasetId: input.datasetId, chunk }));
    progress('chunks', 0, plan.nChunks);
    const chunks = await cloud.pool.map<unknown, { chunk: number; counts: Float64Array }>('ingest-chunk', chunkInputs, {
      signal, stage: 'ingest-chunk', onProgress: (d, t) => progress('chunks', d, t),
    });

    const work = planMerges(chunks.map((c) => c.counts), plan.nBuckets, target);
    let round = 0;
    const { segments, stale } = await mergeAll(work, async (ws: MergeWork[]) => {
      const stage = round++ === 0 ? 'merge' : 'remerge';
      progress(stage, 0, ws.length);
      const out = await cloud.pool.map<unknown, { segments: SegmentInfo[] }>(
        'ingest-merge', ws.map((w) => ({ datasetId: input.datasetId, work: w, targetSegmentBytes: target })),
        { signal, stage: `ingest-${stage}`, onProgress: (d, t) => progress(stage, d, t) },
      );
      return out.map((o) => o.segments);
    });

    progress('finish', 0, 1);
    const [fin] = await cloud.pool.map<unknown, { meta: DatasetMeta }>(
      'ingest-finish', [{ datasetId: input.datasetId, segments, stale }], { signal, stage: 'ingest-finish' },
    );
    progress('finish', 1, 1);
    return fin.meta;
  } catch (e) {
    // Leave nothing half-written: an uncommitted dataset's objects (segments, scratch) go.
    if (!(await cloud.store.getMeta(input.datasetId).catch(() => null))) await cloud.store.delete(input.datasetId).catch(() => undefined);
    throw e;
  }
}
