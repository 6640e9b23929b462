// Resuming an interrupted ingest (a reloaded tab, a killed process). The ingest (ingest.ts) saves a small resume
// record after each step whose data is stored: which m/z buckets are done, their segment infos, whether the TIC/mask
// blobs are, the plan it followed (bucket bounds, buckets per pass) and the files' identity. A later run with the same
// files continues at the first bucket not done. Buckets are the natural resume points: a bucket's segment depends only
// on the files and the bounds (it receives the same peaks in the same spectrum order in any pass), so skipping the
// buckets already stored gives the same records as an uninterrupted ingest.
import type { ByteSource, SegmentInfo } from '../types.ts';
import { Hasher } from '../hash.ts';

/** Bytes hashed at the start of each file to recognise it again (with its name and size). */
export const HEAD_BYTES = 1 << 20;

export interface FileIdentity {
  name: string;
  size: number;
  /** Hash (core/hash.ts) of the first HEAD_BYTES bytes (the whole file when smaller). */
  head: string;
  /** Modification time (ms) where the platform knows it reliably (the CLI); compared only when both have it. */
  modified?: number;
}

export interface IngestResumeRecord {
  version: 1;
  id: string;
  name: string;
  imzml: FileIdentity;
  ibd: FileIdentity;
  /** The imzML's UUID (null when it has none). */
  uuid: string | null;
  targetSegmentBytes: number;
  /** The plan: bucket bounds and how many buckets each pass over the ibd takes. */
  bounds: number[];
  bucketsPerPass: number;
  nBuckets: number;
  /** Buckets [0, nextBucket) are stored; their segments are `segments` (in index order). */
  nextBucket: number;
  segments: SegmentInfo[];
  /** The mask and TIC blobs are stored. */
  ticStored: boolean;
  startedAt: string;
  updatedAt: string;
}

/** Where a store keeps the resume record of a dataset being written (removed with the dataset and at commit). */
export interface ResumeRecordStore {
  putResume(datasetId: string, record: IngestResumeRecord): Promise<void>;
  getResume(datasetId: string): Promise<IngestResumeRecord | null>;
}

/** A re-picked file (or a changed input) is not the one the interrupted ingest read. */
export class ResumeMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ResumeMismatchError';
  }
}

export async function fileIdentity(src: ByteSource, modified?: number): Promise<FileIdentity> {
  const head = await src.read(0, Math.min(HEAD_BYTES, src.size));
  const id: FileIdentity = { name: baseName(src.name), size: src.size, head: new Hasher().bytes(head).hex() };
  if (modified !== undefined) id.modified = modified;
  return id;
}

function baseName(n: string): string {
  return n.replace(/^.*[\\/]/, '');
}

/** Done share of the ingest in percent (buckets are about equally big: they are sample quantiles). */
export function resumePercent(r: IngestResumeRecord): number {
  return r.nBuckets > 0 ? (100 * r.nextBucket) / r.nBuckets : 0;
}

/** Where a resumed ingest starts, for messages: "segment 12 of 30, pass 2 of 3 (40 %)". */
export function resumeWhere(r: IngestResumeRecord): string {
  const passes = Math.ceil(r.nBuckets / r.bucketsPerPass);
  const pass = Math.min(passes, Math.floor(r.nextBucket / r.bucketsPerPass) + 1);
  return `m/z bucket ${Math.min(r.nextBucket + 1, r.nBuckets)} of ${r.nBuckets}${passes > 1 ? `, pass ${pass} of ${passes}` : ''} (${resumePercent(r).toFixed(0)} % done)`;
}

/**
 * What differs between the files of an interrupted ingest and the ones given now (names are not compared: a file
 * may be renamed); null when they are the same. `uuid` is checked once the imzML is parsed (ingest.ts).
 */
export function identityMismatch(r: IngestResumeRecord, imzml: FileIdentity, ibd: FileIdentity): string | null {
  const diffs: string[] = [];
  for (const [kind, was, now] of [['imzML', r.imzml, imzml], ['ibd', r.ibd, ibd]] as const) {
    if (was.size !== now.size) diffs.push(`${now.name} has ${now.size} bytes, the interrupted ingest's ${kind} ${was.name} had ${was.size} bytes`);
    else if (was.head !== now.head) diffs.push(`the first MB of ${now.name} differs from the interrupted ingest's ${kind} ${was.name}`);
    else if (was.modified !== undefined && now.modified !== undefined && was.modified !== now.modified) {
      diffs.push(`${now.name} was modified since the interrupted ingest read it (${new Date(was.modified).toISOString()} then, ${new Date(now.modified).toISOString()} now)`);
    }
  }
  return diffs.length ? `${diffs.join('; ')}.` : null;
}
