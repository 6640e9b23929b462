// Cloud datasets: the page's serverless ingest (upload the imzML + ibd to S3 with the resumable multipart upload,
// ingest in AWS Lambda) and the library records of datasets whose segments live in S3.
//
// A cloud dataset is kept in this browser as its meta, mask and TIC image in the IndexedDB dataset store (small;
// the library, the viewer and the job form read them as for any dataset) plus a *location* record here
// (bucket, store prefix, region, endpoint — never credentials). Segments are read from S3 with the keys of the
// current cloud settings.
//
// Worker-safe part (no DOM, no localStorage): cloudLocation, listCloudLocations, cloudSegmentStore,
// resolveDatasetStore — a job worker that receives a CloudConfig can resolve a dataset's store with them.
// The AWS SDK is imported only when a cloud dataset is read or ingested.
import { createStore, del, entries, get, set, type UseStore } from 'idb-keyval';
import { hashStrings } from '../../core/hash.ts';
import { BLOB_MASK, BLOB_TIC, type SegmentStore } from '../../core/store.ts';
import type { DatasetMeta } from '../../core/types.ts';
import type { Cloud, CloudConfig } from '../../platform/cloud/config.ts';
import type { UploadProgress, UploadSource, UploadState, UploadStateStore } from '../../platform/cloud/multipart-upload.ts';

/** Where a cloud dataset's segments are. */
export interface CloudLocation {
  bucket: string;
  /** Prefix of the S3SegmentStore, e.g. 'imzlens/datasets/' (segments at <prefix><id>/segment-<i>.bin). */
  prefix: string;
  region?: string;
  /** S3 endpoint override (local stack, S3-compatible servers); absent on AWS. */
  s3Endpoint?: string;
  registeredAt: string;
}

let locStore: UseStore | null = null;
const locations = () => (locStore ??= createStore('imzlens-cloud-datasets', 'locations'));

export async function cloudLocation(datasetId: string): Promise<CloudLocation | null> {
  return (await get<CloudLocation>(datasetId, locations())) ?? null;
}

export async function listCloudLocations(): Promise<Map<string, CloudLocation>> {
  return new Map((await entries<string, CloudLocation>(locations())).map(([k, v]) => [String(k), v]));
}

export async function forgetCloudLocation(datasetId: string): Promise<void> {
  await del(datasetId, locations());
}

const storeCache = new Map<string, SegmentStore>();

/**
 * The S3 store of a cloud dataset, read with `cfg`'s credentials (cached, with a 128 MB segment cache in front:
 * the viewer asks for the same segments again and again).
 */
export async function cloudSegmentStore(loc: CloudLocation, cfg: CloudConfig | null): Promise<SegmentStore> {
  if (!cfg) {
    throw new Error(`this dataset lives in the cloud (s3://${loc.bucket}/${loc.prefix}…) and the cloud settings are not set: enter the region and access keys in the cloud settings to read it.`);
  }
  const cacheKey = JSON.stringify([loc.bucket, loc.prefix, loc.region, loc.s3Endpoint, cfg.credentialProvider ? 'provider' : '', cfg.credentials?.accessKeyId ?? '', cfg.credentials?.sessionToken ?? '']);
  const credentials = cfg.credentialProvider ?? cfg.credentials;
  let store = storeCache.get(cacheKey);
  if (!store) {
    const [{ S3Client }, { S3SegmentStore }, { CachedSegmentStore }] = await Promise.all([
      import('@aws-sdk/client-s3'),
      import('../../platform/cloud/s3-store.ts'),
      import('../../core/cached-store.ts'),
    ]);
    const client = new S3Client({
      region: loc.region ?? cfg.region ?? 'us-east-1',
      ...(credentials ? { credentials } : {}),
      ...(loc.s3Endpoint ? { endpoint: loc.s3Endpoint, forcePathStyle: true } : {}),
    });
    store = new CachedSegmentStore(new S3SegmentStore({ client, bucket: loc.bucket, prefix: loc.prefix }), 128 * 1024 * 1024);
    storeCache.set(cacheKey, store);
  }
  return store;
}

/**
 * The store holding `meta`'s segments: `local` for datasets ingested in this browser, the S3 store for cloud
 * datasets. Shared resolver for the viewer (services/store.ts storeFor) and job workers.
 */
export async function resolveDatasetStore(meta: DatasetMeta | string, local: SegmentStore, cfg: CloudConfig | null): Promise<SegmentStore> {
  const loc = await cloudLocation(typeof meta === 'string' ? meta : meta.id);
  return loc ? cloudSegmentStore(loc, cfg) : local;
}

// ---- page side: current settings ------------------------------------------------------------------------------

/**
 * Until the cloud settings form provides a CloudConfig (`toCloudConfig`), the page reads one from this
 * localStorage key (JSON of CloudConfig; a developer/test seam — the e2e test puts the local stack's config here).
 */
export const CLOUD_CONFIG_KEY = 'imzlens-cloud-config';
/** Test seam: smallest multipart part size in bytes (S3's minimum 5 MiB still applies). */
export const UPLOAD_PART_KEY = 'imzlens-upload-part-bytes';

let provider: (() => CloudConfig | null) | null = null;

/** The settings form registers its source of truth here; it wins over the localStorage seam. */
export function setCloudConfigProvider(p: (() => CloudConfig | null) | null): void {
  provider = p;
  storeCache.clear();
}

export function currentCloudConfig(): CloudConfig | null {
  const fromProvider = provider?.();
  if (fromProvider) return fromProvider;
  try {
    const raw = globalThis.localStorage?.getItem(CLOUD_CONFIG_KEY);
    return raw ? (JSON.parse(raw) as CloudConfig) : null;
  } catch {
    return null;
  }
}

/** What stops a cloud ingest with these settings, as one sentence ('' = usable). */
export function cloudProblem(cfg: CloudConfig | null): string {
  if (!cfg) return 'No cloud settings: enter your bucket, function and keys in the cloud settings to ingest in AWS Lambda.';
  if (!cfg.bucket?.trim()) return 'The cloud settings name no S3 bucket.';
  if (!cfg.tiers?.length) return 'The cloud settings name no Lambda function.';
  return '';
}

// ---- page side: ingest in Lambda ------------------------------------------------------------------------------

export interface CloudIngestStatus {
  stage: string;
  done: number;
  total: number;
  mbPerS: number;
  etaS: number | null;
  /** e.g. "resuming: 3 of 7 parts already uploaded". */
  note?: string;
}

let uploadDb: UseStore | null = null;
/** Resumable-upload state in IndexedDB ('imzlens-uploads'): survives a closed tab. */
export function idbUploadStateStore(): UploadStateStore {
  const s = () => (uploadDb ??= createStore('imzlens-uploads', 'state'));
  return {
    get: (k) => get<UploadState>(k, s()),
    set: (k, v) => set(k, v, s()),
    delete: (k) => del(k, s()),
  };
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
  const { runCloudIngest } = await import('../../platform/cloud/ingest.ts');
  return runCloudIngest(cloud, input, opts);
}

/** Turns an S3/Lambda/network failure into what is wrong and what to do. */
export function explainCloudError(e: unknown, cfg: CloudConfig): string {
  const err = e as Error & { cause?: unknown };
  const text = [err?.name, err?.message, (err?.cause as Error | undefined)?.name, (err?.cause as Error | undefined)?.message].filter(Boolean).join(' ');
  const s3 = cfg.s3Endpoint ?? `S3 (${cfg.region ?? 'us-east-1'})`;
  const origin = globalThis.location?.origin ?? 'this page';
  let what: string;
  if (/ExposeHeaders|ETag header/.test(text)) what = err.message;
  else if (/NoSuchBucket/.test(text)) what = `The bucket '${cfg.bucket}' does not exist at ${s3}. Check the bucket name and region in the cloud settings, or create it (npm run cloud:deploy).`;
  else if (/AccessDenied|InvalidAccessKeyId|SignatureDoesNotMatch|ExpiredToken|HTTP 403|\b403\b|Forbidden/.test(text)) {
    what = `S3 refused the request (403 access denied). The access keys are wrong or expired, or their policy does not allow reading and writing objects under s3://${cfg.bucket}/${cfg.prefix}* — check the keys in the cloud settings and the role's policy.`;
  } else if (/ResourceNotFoundException|Function not found/.test(text)) {
    what = `The Lambda function ${cfg.tiers.map((t) => t.functionName).join(' / ')} was not found${cfg.lambdaEndpoint ? ` at ${cfg.lambdaEndpoint}` : ` in ${cfg.region ?? 'us-east-1'}`}. Check the function name and region in the cloud settings, or deploy it (npm run cloud:deploy).`;
  } else if (/Failed to fetch|NetworkError|Load failed|TypeError/.test(text)) {
    what = `The browser could not reach bucket '${cfg.bucket}' at ${s3}. Usually the bucket's CORS rule does not allow this page's origin (${origin}): it needs AllowedOrigin ${origin}, AllowedHeaders *, and ExposeHeaders ETag (see docs/cloud.md). A bucket that does not exist, a wrong region or endpoint, or no network look the same from a browser.`;
  } else what = err?.message ?? String(e);
  return what;
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
    const [{ createCloud, datasetPrefix }, mpu, { HeadObjectCommand }] = await Promise.all([
      import('../../platform/cloud/config.ts'),
      import('../../platform/cloud/multipart-upload.ts'),
      import('@aws-sdk/client-s3'),
    ]);
    const cloud = createCloud(cfg, { pollMs: 300, graceMs: 5000 });
    const imzml = fileSource(pair.imzml);
    const ibd = fileSource(pair.ibd);
    onStatus({ stage: 'check', done: 0, total: 0, mbPerS: 0, etaS: null });
    const id = `cloud-${hashStrings(['page-cloud-ingest-v1', cfg.bucket, cfg.prefix, await mpu.sourceFingerprint(imzml), await mpu.sourceFingerprint(ibd)])}`;
    const loc: CloudLocation = {
      bucket: cfg.bucket, prefix: datasetPrefix(cfg), registeredAt: new Date().toISOString(),
      ...(cfg.region ? { region: cfg.region } : {}), ...(cfg.s3Endpoint ? { s3Endpoint: cfg.s3Endpoint } : {}),
    };
    const known = await local.getMeta(id);
    if (known && (await cloudLocation(id))) return known;
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

/**
 * Adds a cloud dataset to the library: location first, then mask/TIC, then the meta in one commit. On any failure
 * everything written is removed again, so nothing half-registered is listed.
 */
export async function registerCloudDataset(local: SegmentStore, meta: DatasetMeta, mask: Uint8Array, tic: Uint8Array | null, loc: CloudLocation): Promise<void> {
  try {
    await set(meta.id, loc, locations());
    await local.putBlob(meta.id, BLOB_MASK, mask);
    if (tic) await local.putBlob(meta.id, BLOB_TIC, tic);
    // IdbSegmentStore.commit checks that every listed segment was written locally; a cloud dataset has none here
    await commitWithoutSegments(local, meta);
  } catch (e) {
    await local.delete(meta.id).catch(() => {});
    await forgetCloudLocation(meta.id).catch(() => {});
    throw new Error(`adding ${meta.name} to this browser's library failed: ${(e as Error).message}`);
  }
}

/**
 * Commits the meta of a dataset whose segments are elsewhere. The local store refuses a meta naming segments it
 * does not hold, so the meta is committed with the segment list kept in a blob and restored on read
 * (see cloudMeta / services/store.ts).
 */
async function commitWithoutSegments(local: SegmentStore, meta: DatasetMeta): Promise<void> {
  await local.putBlob(meta.id, BLOB_CLOUD_SEGMENTS, new TextEncoder().encode(JSON.stringify(meta.segments)));
  await local.commit({ ...meta, segments: [] });
}

export const BLOB_CLOUD_SEGMENTS = 'cloud-segments';

/** The full meta of a cloud dataset (its segment list restored); other metas are returned as they are. */
export async function withCloudSegments(local: SegmentStore, meta: DatasetMeta): Promise<DatasetMeta> {
  if (meta.segments.length) return meta;
  const b = await local.getBlob(meta.id, BLOB_CLOUD_SEGMENTS);
  return b ? { ...meta, segments: JSON.parse(new TextDecoder().decode(b)) as DatasetMeta['segments'] } : meta;
}
