// Store resolution for cloud datasets: a dataset whose segments live in S3 is described by a CloudLocation (bucket,
// store prefix, region, endpoint — never credentials); cloudSegmentStore gives the S3 store that reads it with the
// keys of a CloudConfig. Where the location records are kept is the caller's business (the page: IndexedDB,
// platform/browser/cloud-dataset-store.ts). The AWS SDK is imported only when a cloud dataset is read.
import type { SegmentStore } from '../../core/store.ts';
import type { CloudConfig } from './config.ts';

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

/** S3 key prefix rule of every imzlens store: no leading '/', a trailing '/' unless empty. Pure (no SDK). */
export function normalisePrefix(prefix: string): string {
  const p = prefix.replace(/^\/+/, '');
  return p === '' || p.endsWith('/') ? p : `${p}/`;
}

/** Prefix of a config's dataset store (pure, so the page can compare locations without loading the SDK). */
export function datasetPrefix(cfg: Pick<CloudConfig, 'prefix'>): string {
  return `${cfg.prefix}datasets/`;
}

/** The location of a dataset ingested into `cfg`'s dataset store, registered now. */
export function locationOf(cfg: CloudConfig): CloudLocation {
  return {
    bucket: cfg.bucket, prefix: datasetPrefix(cfg), registeredAt: new Date().toISOString(),
    ...(cfg.region ? { region: cfg.region } : {}), ...(cfg.s3Endpoint ? { s3Endpoint: cfg.s3Endpoint } : {}),
  };
}

const storeCache = new Map<string, SegmentStore>();

/** Forgets the cached S3 stores (their clients hold the old credentials), e.g. when the settings change. */
export function clearCloudStoreCache(): void {
  storeCache.clear();
}

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
      import('./s3-store.ts'),
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

/** The store holding a dataset's segments: `local` when it has no cloud location, else its S3 store. */
export async function storeAt(loc: CloudLocation | null, local: SegmentStore, cfg: CloudConfig | null): Promise<SegmentStore> {
  return loc ? cloudSegmentStore(loc, cfg) : local;
}
