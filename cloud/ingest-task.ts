// Cloud-side ingest/segmentation: reads byte ranges of an imzML + ibd already in S3 and writes the dataset's
// segments into the task's S3 store, so a big dataset never passes through the browser.
// 'cloud-ingest' runs the whole single-pass ingest in one invocation (≲ 7 GB of ibd in 15 min). The split ingest
// (src/core/imzml/split-ingest.ts; driver src/platform/cloud/ingest.ts) spreads it over many:
//   'ingest-plan'   parse the imzML index once, check the pair, sample the bounds, write the chunk specs;
//   'ingest-chunk'  one range of spectra → one sorted piece per m/z bucket + its TIC;
//   'ingest-merge'  one bucket: k-way merge of its pieces → its segment(s);
//   'ingest-finish' TIC, meta commit, scratch deleted.
// All registered like the scoring tasks, so LambdaPool runs them with the same retries and report.
import { DeleteObjectsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { ingestDataset } from '../src/core/imzml/ingest.ts';
import { parseImzml } from '../src/core/imzml/parse.ts';
import {
  readChunkSpec,
  runSplitChunk,
  runSplitFinish,
  runSplitMerge,
  runSplitPlan,
  type MergeWork,
  type SplitCleanup,
} from '../src/core/imzml/split-ingest.ts';
import { registerTask, type TaskContext } from '../src/core/job/tasks.ts';
import type { SegmentInfo } from '../src/core/types.ts';
import { S3Source } from '../src/platform/cloud/s3-source.ts';
import { S3SegmentStore } from '../src/platform/cloud/s3-store.ts';

export interface CloudIngestInput {
  /** Keys of the uploaded pair, in the store's bucket unless `bucket` is given. */
  imzmlKey: string;
  ibdKey: string;
  bucket?: string;
  datasetId: string;
  name: string;
  targetSegmentBytes?: number;
}

export interface IngestPlanInput extends CloudIngestInput {
  chunkBytes?: number;
}

export interface IngestPlanOutput {
  nChunks: number;
  nBuckets: number;
  /** ibd bytes per chunk. */
  chunkBytes: Float64Array;
}

export interface IngestChunkInput {
  ibdKey: string;
  bucket?: string;
  datasetId: string;
  chunk: number;
}

export interface IngestMergeInput {
  datasetId: string;
  work: MergeWork;
  targetSegmentBytes?: number;
}

export interface IngestFinishInput {
  datasetId: string;
  segments: SegmentInfo[];
  stale: number[];
}

function s3Store(ctx: TaskContext, task: string): S3SegmentStore {
  if (!(ctx.store instanceof S3SegmentStore)) {
    throw new Error(`task '${task}' needs an S3 store (it reads the imzML/ibd from S3); run it through LambdaPool or the Lambda handler`);
  }
  return ctx.store;
}

registerTask('cloud-ingest', async (input: CloudIngestInput, ctx: TaskContext) => {
  const store = s3Store(ctx, 'cloud-ingest');
  const bucket = input.bucket ?? store.bucket;
  const [imzml, ibd] = await Promise.all([
    S3Source.open(store.client, bucket, input.imzmlKey),
    S3Source.open(store.client, bucket, input.ibdKey),
  ]);
  const meta = await ingestDataset({
    imzml,
    ibd,
    store,
    id: input.datasetId,
    name: input.name,
    signal: ctx.signal,
    targetSegmentBytes: input.targetSegmentBytes,
  });
  return { meta };
});

registerTask('ingest-plan', async (input: IngestPlanInput, ctx: TaskContext): Promise<IngestPlanOutput> => {
  const store = s3Store(ctx, 'ingest-plan');
  const bucket = input.bucket ?? store.bucket;
  const [imzml, ibd] = await Promise.all([
    S3Source.open(store.client, bucket, input.imzmlKey),
    S3Source.open(store.client, bucket, input.ibdKey),
  ]);
  // 16 MiB reads: the index of a big dataset is up to ~1 GB of XML.
  const index = await parseImzml(imzml, { signal: ctx.signal, chunkBytes: 16 << 20 });
  return runSplitPlan(index, ibd, store, {
    id: input.datasetId,
    name: input.name,
    imzmlName: imzml.name,
    targetSegmentBytes: input.targetSegmentBytes,
    chunkBytes: input.chunkBytes,
    signal: ctx.signal,
  });
});

registerTask('ingest-chunk', async (input: IngestChunkInput, ctx: TaskContext) => {
  const store = s3Store(ctx, 'ingest-chunk');
  const [spec, ibd] = await Promise.all([
    readChunkSpec(store, input.datasetId, input.chunk),
    S3Source.open(store.client, input.bucket ?? store.bucket, input.ibdKey),
  ]);
  return runSplitChunk(spec, ibd, store, input.datasetId, { signal: ctx.signal });
});

registerTask('ingest-merge', async (input: IngestMergeInput, ctx: TaskContext) => {
  const store = s3Store(ctx, 'ingest-merge');
  return { segments: await runSplitMerge(store, input.datasetId, input.work, input.targetSegmentBytes) };
});

/** Deletes objects by key, 1,000 per request (the DeleteObjects limit). */
async function deleteKeys(store: S3SegmentStore, keys: string[]): Promise<void> {
  for (let i = 0; i < keys.length; i += 1000) {
    const part = keys.slice(i, i + 1000).map((Key) => ({ Key }));
    const res = await store.client.send(new DeleteObjectsCommand({ Bucket: store.bucket, Delete: { Objects: part, Quiet: true } }));
    if (res.Errors?.length) {
      const e = res.Errors[0];
      throw new Error(`deleting split-ingest scratch failed for ${res.Errors.length} objects (first: ${e.Key}: ${e.Code} ${e.Message})`);
    }
  }
}

/** Scratch removal on S3, following S3SegmentStore's key layout (<prefix><id>/blob-<key>, segment-<i>.bin). */
function s3Cleanup(store: S3SegmentStore): SplitCleanup {
  return {
    async deleteBlobsWithPrefix(datasetId, keyPrefix) {
      const prefix = `${store.prefix}${datasetId}/blob-${encodeURIComponent(keyPrefix)}`;
      let token: string | undefined;
      const keys: string[] = [];
      do {
        const res = await store.client.send(new ListObjectsV2Command({ Bucket: store.bucket, Prefix: prefix, ContinuationToken: token }));
        for (const o of res.Contents ?? []) if (o.Key) keys.push(o.Key);
        token = res.IsTruncated ? res.NextContinuationToken : undefined;
      } while (token);
      await deleteKeys(store, keys);
    },
    async deleteSegments(datasetId, indices) {
      await deleteKeys(store, indices.map((i) => `${store.prefix}${datasetId}/segment-${i}.bin`));
    },
  };
}

registerTask('ingest-finish', async (input: IngestFinishInput, ctx: TaskContext) => {
  const store = s3Store(ctx, 'ingest-finish');
  const meta = await runSplitFinish(store, input.datasetId, { segments: input.segments, stale: input.stale }, s3Cleanup(store));
  return { meta };
});
