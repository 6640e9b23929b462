// SegmentStore over S3 (or any S3-compatible server): the storage "bus" between the page/CLI and Lambda.
//
// Layout under `prefix` (normalised to end with '/'):
//   <prefix><datasetId>/segment-<index>.bin    codec blob { mz, intensity, pixel }
//   <prefix><datasetId>/blob-<key>             raw bytes (key URI-encoded)
//   <prefix><datasetId>/meta.json              DatasetMeta, written LAST by commit
// Flat per dataset on purpose: s3rver (our local S3) only reports a CommonPrefix for a delimiter listing when
// some object sits directly in that folder.
// A dataset is committed iff meta.json exists (a single PutObject is atomic in S3), so a crashed upload
// shows up in listIncomplete and never in list.
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { decodeValue, encodeValue } from '../../core/job/codec.ts';
import type { SegmentStore } from '../../core/store.ts';
import type { DatasetMeta, Segment } from '../../core/types.ts';
import { normalisePrefix } from './location.ts';

export class S3StoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'S3StoreError';
  }
}

export interface S3StoreOptions {
  client: S3Client;
  bucket: string;
  /** Key prefix of the store, e.g. 'imzlens/datasets/'; '' = bucket root. */
  prefix: string;
  /** Parallel PutObjects in putSegments (default 8). */
  uploadConcurrency?: number;
}

function isNotFound(e: unknown): boolean {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return err?.name === 'NoSuchKey' || err?.name === 'NotFound' || err?.$metadata?.httpStatusCode === 404;
}

export class S3SegmentStore implements SegmentStore {
  readonly client: S3Client;
  readonly bucket: string;
  readonly prefix: string;
  private readonly uploadConcurrency: number;

  constructor(opts: S3StoreOptions) {
    this.client = opts.client;
    this.bucket = opts.bucket;
    this.prefix = normalisePrefix(opts.prefix);
    this.uploadConcurrency = opts.uploadConcurrency ?? 8;
  }

  private dir(datasetId: string): string {
    if (!datasetId || datasetId.includes('/') || datasetId === '.' || datasetId === '..') {
      throw new S3StoreError(`invalid dataset id ${JSON.stringify(datasetId)}: it must be non-empty and contain no '/'`);
    }
    return `${this.prefix}${datasetId}/`;
  }

  private where(key: string): string {
    return `s3://${this.bucket}/${key}`;
  }

  private async put(key: string, body: Uint8Array, contentType: string): Promise<void> {
    try {
      await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }));
    } catch (e) {
      throw new S3StoreError(`writing ${this.where(key)} failed: ${(e as Error).name}: ${(e as Error).message}; check the bucket, prefix permissions and CORS`);
    }
  }

  /** The object's bytes, or null when it does not exist. */
  private async get(key: string): Promise<Uint8Array | null> {
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return await res.Body!.transformToByteArray();
    } catch (e) {
      if (isNotFound(e)) return null;
      throw new S3StoreError(`reading ${this.where(key)} failed: ${(e as Error).name}: ${(e as Error).message}`);
    }
  }

  async putSegments(datasetId: string, segments: { index: number; segment: Segment }[]): Promise<void> {
    const dir = this.dir(datasetId);
    let next = 0;
    const worker = async () => {
      while (next < segments.length) {
        const { index, segment } = segments[next++];
        const blob = encodeValue({ mz: segment.mz, intensity: segment.intensity, pixel: segment.pixel });
        await this.put(`${dir}segment-${index}.bin`, blob, 'application/octet-stream');
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.uploadConcurrency, segments.length) }, worker));
  }

  async getSegment(datasetId: string, index: number): Promise<Segment> {
    const key = `${this.dir(datasetId)}segment-${index}.bin`;
    const bytes = await this.get(key);
    if (!bytes) throw new S3StoreError(`segment ${index} of dataset '${datasetId}' not found at ${this.where(key)}; was the dataset fully uploaded?`);
    const v = decodeValue(bytes) as Segment;
    if (!(v.mz instanceof Float64Array) || !(v.intensity instanceof Float32Array) || !(v.pixel instanceof Uint32Array)) {
      throw new S3StoreError(`${this.where(key)} is not a segment (expected mz Float64Array, intensity Float32Array, pixel Uint32Array)`);
    }
    return { mz: v.mz, intensity: v.intensity, pixel: v.pixel };
  }

  async putBlob(datasetId: string, key: string, data: Uint8Array): Promise<void> {
    await this.put(`${this.dir(datasetId)}blob-${encodeURIComponent(key)}`, data, 'application/octet-stream');
  }

  async getBlob(datasetId: string, key: string): Promise<Uint8Array | null> {
    return this.get(`${this.dir(datasetId)}blob-${encodeURIComponent(key)}`);
  }

  async commit(meta: DatasetMeta): Promise<void> {
    await this.put(`${this.dir(meta.id)}meta.json`, new TextEncoder().encode(JSON.stringify(meta)), 'application/json');
  }

  async getMeta(datasetId: string): Promise<DatasetMeta | null> {
    const key = `${this.dir(datasetId)}meta.json`;
    const bytes = await this.get(key);
    if (!bytes) return null;
    try {
      return JSON.parse(new TextDecoder().decode(bytes)) as DatasetMeta;
    } catch (e) {
      throw new S3StoreError(`${this.where(key)} is not valid JSON (${(e as Error).message}); delete the dataset and upload it again`);
    }
  }

  /** Dataset ids (sub-folders) under the prefix, paginated. */
  private async datasetIds(): Promise<string[]> {
    const ids: string[] = [];
    let token: string | undefined;
    do {
      const res = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.prefix, Delimiter: '/', ContinuationToken: token }),
      );
      for (const p of res.CommonPrefixes ?? []) if (p.Prefix) ids.push(p.Prefix.slice(this.prefix.length, -1));
      token = res.IsTruncated ? res.NextContinuationToken : undefined;
    } while (token);
    return ids;
  }

  async list(): Promise<DatasetMeta[]> {
    const metas = await Promise.all((await this.datasetIds()).map((id) => this.getMeta(id)));
    return metas.filter((m): m is DatasetMeta => m !== null);
  }

  async listIncomplete(): Promise<string[]> {
    const ids = await this.datasetIds();
    const metas = await Promise.all(ids.map((id) => this.getMeta(id)));
    return ids.filter((_, i) => metas[i] === null);
  }

  async delete(datasetId: string): Promise<void> {
    const dir = this.dir(datasetId);
    // meta first: from this moment the dataset is no longer listed as usable, even if the rest fails.
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: `${dir}meta.json` }));
    let token: string | undefined;
    do {
      const res = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: dir, ContinuationToken: token }));
      const keys = (res.Contents ?? []).map((o) => ({ Key: o.Key! }));
      if (keys.length) {
        const del = await this.client.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: keys, Quiet: true } }));
        if (del.Errors?.length) {
          const e = del.Errors[0];
          throw new S3StoreError(`deleting dataset '${datasetId}' failed for ${del.Errors.length} objects (first: ${e.Key}: ${e.Code} ${e.Message})`);
        }
      }
      token = res.IsTruncated ? res.NextContinuationToken : undefined;
    } while (token);
  }
}
