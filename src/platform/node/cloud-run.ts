// Node side of the cloud run modes (placement: platform/node/place.ts): the CLI's cloud settings, and the
// serverless ingest — upload the imzML/ibd to S3 (or use s3:// paths as they are), ingest in Lambda.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import type { DatasetMeta } from '../../core/types.ts';
import { BLOB_MASK } from '../../core/store.ts';
import { hashStrings } from '../../core/hash.ts';
import { cloudConfigFromEnv, type Cloud, type CloudConfig } from '../cloud/config.ts';
import { fingerprint, findIbd } from './open-source.ts';
import { runCloudIngest } from '../cloud/ingest.ts';
import { uploadMultipart } from '../cloud/multipart-upload.ts';
import { NodeFileSource } from './file-source.ts';

/** Cloud settings from `--cloud-config FILE` and/or the IMZLENS_* environment; null when none are set. */
export async function loadCloudConfig(file: string | undefined): Promise<CloudConfig | null> {
  let json: Record<string, unknown> | undefined;
  if (file) {
    try {
      json = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    } catch (e) {
      throw new Error(`${file}: cannot read the cloud settings (${(e as Error).message})`);
    }
  }
  return cloudConfigFromEnv(process.env, json as Parameters<typeof cloudConfigFromEnv>[1]);
}

function parseS3Url(p: string): { bucket: string; key: string } | null {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(p);
  return m ? { bucket: m[1], key: m[2] } : null;
}

/**
 * One file to S3 with the same multipart upload the page uses (16 MiB parts, 4 in flight; one PutObject below one
 * part). No state store: an interrupted CLI upload starts over (the page keeps its state in IndexedDB to resume).
 */
async function uploadFile(s3: S3Client, bucket: string, key: string, path: string, onProgress?: (done: number, total: number) => void, signal?: AbortSignal): Promise<void> {
  const source = await NodeFileSource.open(path);
  try {
    await uploadMultipart({ client: s3, bucket, key, source, partSize: 16 << 20, queueSize: 4, signal, onProgress: (p) => onProgress?.(p.done, p.total) });
  } finally {
    await source.close();
  }
}

function envBytes(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name}=${raw} is not a number of bytes (e.g. 2147483648; 0 = always split)`);
  return n;
}

/** Serverless ingest: the pair goes to S3 (unless it is there already) and Lambda tasks segment it. */
export async function ingestInCloud(cloud: Cloud, cfg: CloudConfig, imzmlPath: string, ibdPath: string | null, name: string,
  onProgress: (stage: string, done: number, total: number) => void, signal?: AbortSignal,
  split?: { aboveBytes?: number; chunkBytes?: number }): Promise<{ meta: DatasetMeta; mask: Uint8Array }> {
  const s3Imzml = parseS3Url(imzmlPath);
  let imzmlKey: string;
  let ibdKey: string;
  let bucket = cfg.bucket;
  let id: string;
  if (s3Imzml) {
    const s3Ibd = ibdPath ? parseS3Url(ibdPath) : { bucket: s3Imzml.bucket, key: s3Imzml.key.replace(/\.imzml$/i, '.ibd') };
    if (!s3Ibd || s3Ibd.bucket !== s3Imzml.bucket) throw new Error('serverless mode: the imzML and ibd must be in the same S3 bucket');
    bucket = s3Imzml.bucket;
    imzmlKey = s3Imzml.key;
    ibdKey = s3Ibd.key;
    id = `ds-${hashStrings(['s3-ingest-v1', bucket, imzmlKey, ibdKey])}`;
  } else {
    const ibdLocal = ibdPath ?? (await findIbd(imzmlPath));
    id = `ds-${hashStrings(['cloud-ingest-v1', await fingerprint(imzmlPath), await fingerprint(ibdLocal)])}`;
    imzmlKey = `${cfg.prefix}uploads/${id}/${basename(imzmlPath)}`;
    ibdKey = `${cfg.prefix}uploads/${id}/${basename(ibdLocal)}`;
    const existing = await cloud.store.getMeta(id);
    if (!existing) {
      await uploadFile(cloud.s3, bucket, imzmlKey, imzmlPath, (d, t) => onProgress('upload imzML', d, t), signal);
      await uploadFile(cloud.s3, bucket, ibdKey, ibdLocal, (d, t) => onProgress('upload ibd', d, t), signal);
    }
  }
  let meta = await cloud.store.getMeta(id);
  if (!meta) {
    // One 'cloud-ingest' Lambda below the split size, the split fan-out above (IMZLENS_SPLIT_INGEST_ABOVE /
    // IMZLENS_SPLIT_INGEST_CHUNK in bytes override the defaults: 2 GiB, 1 GiB chunks).
    const above = split?.aboveBytes ?? envBytes('IMZLENS_SPLIT_INGEST_ABOVE');
    const chunkBytes = split?.chunkBytes ?? envBytes('IMZLENS_SPLIT_INGEST_CHUNK');
    meta = await runCloudIngest(cloud, { imzmlKey, ibdKey, bucket, datasetId: id, name, chunkBytes },
      { signal, onProgress: (stage, d, t) => onProgress(stage === 'ingest (Lambda)' ? stage : `ingest ${stage} (Lambda)`, d, t), splitAboveBytes: above });
  }
  const mask = await cloud.store.getBlob(id, BLOB_MASK);
  if (!mask) throw new Error(`dataset ${id} in S3 has no sample mask: delete it (prefix ${cfg.prefix}datasets/${id}/) and run again`);
  return { meta, mask };
}
