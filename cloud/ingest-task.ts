// Cloud-side ingest/segmentation: reads byte ranges of an imzML + ibd already in S3 and writes the dataset's
// segments into the task's S3 store, so a big dataset never passes through the browser.
// Registered as task 'cloud-ingest' so LambdaPool runs it with the same retries/report as scoring.
import { ingestDataset } from '../src/core/imzml/ingest.ts';
import { registerTask, type TaskContext } from '../src/core/job/tasks.ts';
import { S3Source } from '../src/platform/shared/s3-source.ts';
import { S3SegmentStore } from '../src/platform/shared/s3-store.ts';

export interface CloudIngestInput {
  /** Keys of the uploaded pair, in the store's bucket unless `bucket` is given. */
  imzmlKey: string;
  ibdKey: string;
  bucket?: string;
  datasetId: string;
  name: string;
  targetSegmentBytes?: number;
}

registerTask('cloud-ingest', async (input: CloudIngestInput, ctx: TaskContext) => {
  if (!(ctx.store instanceof S3SegmentStore)) {
    throw new Error("task 'cloud-ingest' needs an S3 store (it reads the imzML/ibd from S3); run it through LambdaPool or the Lambda handler");
  }
  const bucket = input.bucket ?? ctx.store.bucket;
  const [imzml, ibd] = await Promise.all([
    S3Source.open(ctx.store.client, bucket, input.imzmlKey),
    S3Source.open(ctx.store.client, bucket, input.ibdKey),
  ]);
  const meta = await ingestDataset({
    imzml,
    ibd,
    store: ctx.store,
    id: input.datasetId,
    name: input.name,
    signal: ctx.signal,
    targetSegmentBytes: input.targetSegmentBytes,
  });
  return { meta };
});
