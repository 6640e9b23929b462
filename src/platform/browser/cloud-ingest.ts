// The page's serverless ingest: upload an imzML + ibd pair to S3 with the resumable multipart upload (state in
// IndexedDB, so a closed tab resumes), ingest it in AWS Lambda, and register the result as a cloud dataset of
// this browser's library. The AWS SDK is imported only when an ingest starts.
import { hashStrings } from '../../core/hash.ts';
import { BLOB_MASK, BLOB_TIC, type SegmentStore } from '../../core/store.ts';
import type { DatasetMeta } from '../../core/types.ts';
import type { Cloud, CloudConfig } from '../cloud/config.ts';
import { cloudProblem, explainCloudError } from '../cloud/errors.ts';
import { locationOf } from '../cloud/location.ts';
import type { UploadProgress, UploadSource } from '../cloud/multipart-upload.ts';
import { getCloudLocation } from './cloud-dataset-store.ts';
import { registerCloudDataset } from './cloud-library.ts';
import { idbUploadStateStore } from './upload-state-store.ts';

/** Test seam: smallest multipart part size in bytes, from localStorage (S3's minimum 5 MiB still applies). */
export const UPLOAD_PART_KEY = 'imzlens-upload-part-bytes';

export interface CloudIngestStatus {
  stage: string;
  done: number;
  total: number;
  mbPerS: number;
  etaS: number | null;
  /** e.g. "resuming: 3 of 7 parts already uploaded". */
  note?: string;
}

function fileSource(f: File): UploadSource {
  return {
    name: f.name,
    size: f.size,
    lastModified: f.lastModified,
    read: async (offset, length) => new Uint8Array(await f.slice(offset, offset + length).arrayBuffer()),
  };
}

interface CloudIngestInput { bucket: string; imzmlKey: string; ibdKey: string; datasetId: string; name: string }

/**
 * The Lambda ingest itself, in one place: runCloudIngest (src/platform/cloud/ingest.ts) runs task
 * 'cloud-ingest', or splits a big dataset over many Lambdas. Before it existed this was
 * `cloud.pool.map('cloud-ingest', [input], opts)`.
 */
async function runIngest(cloud: Cloud, input: CloudIngestInput, opts: { signal?: AbortSignal; onProgress?: (stage: string, done: number, total: number) => void }): Promise<DatasetMeta> {
  const { runCloudIngest } = await import('../cloud/ingest.ts');
  return runCloudIngest(cloud, input, opts);
}

export interface CloudIngestHandle {
  done: Promise<DatasetMeta>;
  cancel(): void;
}

export interface CloudIngestOptions {
  cfg: CloudConfig;
  /** Where the cloud dataset's meta, mask and TIC go (the page's IndexedDB store). */
  local: SegmentStore;
  onStatus: (s: CloudIngestStatus) => void;
  /** Smallest part size (default: the UPLOAD_PART_KEY seam, else 8 MiB). */
  partSize?: number;
}

/** Said when the user stops an upload (deliberately without "cancel": the parts stay, nothing is lost). */
export const STOPPED_MESSAGE = 'stopped. The parts already in S3 are kept: drop the same two files again with “Ingest in AWS Lambda” to resume.';
/** Said when the user stops during the Lambda ingest (the files are complete in S3). */
export const STOPPED_INGEST_MESSAGE = 'stopped while AWS Lambda was ingesting. The files are complete in S3: drop the same two files again with “Ingest in AWS Lambda” to ingest them without uploading again.';

/**
 * Uploads the pair (resumably), ingests it in Lambda and registers the cloud dataset in the library. A dataset
 * whose files were ingested before (same content, same bucket) is registered without uploading again.
 */
export function ingestPairInCloud(pair: { name: string; imzml: File; ibd: File }, o: CloudIngestOptions): CloudIngestHandle {
  const ctrl = new AbortController();
  const { cfg, local, onStatus } = o;
  const done = (async (): Promise<DatasetMeta> => {
    const problem = cloudProblem(cfg);
    if (problem) throw new Error(problem);
    const [{ createCloud }, mpu, { HeadObjectCommand }] = await Promise.all([
      import('../cloud/config.ts'),
      import('../cloud/multipart-upload.ts'),
      import('@aws-sdk/client-s3'),
    ]);
    const cloud = createCloud(cfg, { pollMs: 300, graceMs: 5000 });
    const imzml = fileSource(pair.imzml);
    const ibd = fileSource(pair.ibd);
    onStatus({ stage: 'check', done: 0, total: 0, mbPerS: 0, etaS: null });
    const id = `cloud-${hashStrings(['page-cloud-ingest-v1', cfg.bucket, cfg.prefix, await mpu.sourceFingerprint(imzml), await mpu.sourceFingerprint(ibd)])}`;
    const loc = locationOf(cfg);
    const known = await local.getMeta(id);
    if (known && (await getCloudLocation(id))) return known;
    let uploaded = false;
    /** Size of an object, or -1 when there is none. */
    const sizeOf = async (key: string) => {
      try {
        return Number((await cloud.s3.send(new HeadObjectCommand({ Bucket: cfg.bucket, Key: key }), { abortSignal: ctrl.signal })).ContentLength ?? -1);
      } catch (e) {
        // 404: not there; 403: S3 says 403 for a missing key when ListBucket is not allowed (a real auth problem shows on the upload)
        const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        if (status === 404 || status === 403 || (e as Error).name === 'NotFound') return -1;
        throw e;
      }
    };
    try {
      let meta = await cloud.store.getMeta(id); // also the first contact with the bucket: CORS, 403, NoSuchBucket show here
      if (!meta) {
        const states = idbUploadStateStore();
        const partSize = o.partSize ?? (Number(globalThis.localStorage?.getItem(UPLOAD_PART_KEY)) || undefined);
        const keyOf = (f: File) => `${cfg.prefix}uploads/${id}/${f.name}`;
        let resumed: string | undefined; // kept on screen for the rest of this pair's ingest
        for (const [label, file, src] of [['imzML', pair.imzml, imzml], ['ibd', pair.ibd, ibd]] as const) {
          const stage = `upload ${label}`;
          // complete from an earlier run (same fingerprint → same key): an ingest stopped or failed after the upload
          if ((await sizeOf(keyOf(file))) === file.size) {
            onStatus({ stage, done: file.size, total: file.size, mbPerS: 0, etaS: null, note: `the ${label} is already in S3` });
            continue;
          }
          let note: string | undefined;
          await mpu.uploadMultipart({
            client: cloud.s3, bucket: cfg.bucket, key: keyOf(file), source: src, stateStore: states, partSize, signal: ctrl.signal,
            contentType: label === 'imzML' ? 'application/xml' : 'application/octet-stream',
            onStart: (s) => {
              if (s.resumedParts > 0) note = resumed = `resuming: ${s.resumedParts} of ${s.partsTotal} parts of the ${label} already uploaded`;
            },
            onProgress: (p: UploadProgress) => onStatus({ stage, done: p.done, total: p.total, mbPerS: Math.max(p.mbPerS, 1e-9), etaS: p.etaS, note: note ?? `${p.partsDone} of ${p.partsTotal} parts uploaded` }),
          });
        }
        uploaded = true;
        onStatus({ stage: 'lambda', done: 0, total: 1, mbPerS: 0, etaS: null, note: resumed });
        meta = await runIngest(cloud, { bucket: cfg.bucket, imzmlKey: keyOf(pair.imzml), ibdKey: keyOf(pair.ibd), datasetId: id, name: pair.name }, {
          signal: ctrl.signal,
          onProgress: (stage, d, t) => onStatus({ stage, done: d, total: t, mbPerS: 0, etaS: null, note: resumed }),
        });
      }
      onStatus({ stage: 'register', done: 0, total: 1, mbPerS: 0, etaS: null });
      const [mask, tic] = await Promise.all([cloud.store.getBlob(id, BLOB_MASK), cloud.store.getBlob(id, BLOB_TIC)]);
      if (!mask) throw new Error(`the ingest in Lambda left no sample mask for ${id} in s3://${cfg.bucket}/${loc.prefix}${id}/; delete that folder and try again`);
      await registerCloudDataset(local, meta, mask, tic, loc);
      return meta;
    } catch (e) {
      if (ctrl.signal.aborted) throw new Error(uploaded ? STOPPED_INGEST_MESSAGE : STOPPED_MESSAGE);
      throw new Error(explainCloudError(e, cfg));
    } finally {
      cloud.lambda.destroy();
    }
  })();
  return { done, cancel: () => ctrl.abort() };
}
