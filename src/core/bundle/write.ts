// Writes a result bundle (format.ts). The caller supplies the images (they are recomputed from the dataset's
// segments, see imagesFromSegments), so this module has no dataset or platform dependency.
import { zipSync, strToU8, type Zippable } from 'fflate';
import type { Roi } from '../analysis/roi-types.ts';
import type { AnnotationRow, JobResult } from '../job/result.ts';
import type { DatasetMeta } from '../types.ts';
import { BundleError } from './errors.ts';
import {
  BUNDLE_FORMAT,
  BUNDLE_VERSION,
  DEFAULT_MAX_FDR,
  ENTRY_ANNOTATIONS,
  ENTRY_JOB,
  ENTRY_MANIFEST,
  ENTRY_MASK,
  ENTRY_ROIS,
  MAX_BUNDLE_ROIS,
  imageEntryName,
  jsonNumberReplacer,
  DEFAULT_LIMITS,
  type BundleManifest,
} from './format.ts';
import { encodeRowImages, IMAGE_ENCODING } from './image-codec.ts';

export interface WriteBundleInput {
  result: JobResult;
  meta: DatasetMeta;
  /** Sample-area mask, meta.height × meta.width bytes (0/1). */
  mask: Uint8Array;
  /** Rows to export, in table order; default: result.rows with fdr ≤ 0.5. */
  rows?: AnnotationRow[];
  /** The isotope images of a row (meta.width × meta.height each, usually 4). */
  getImages(row: AnnotationRow): Promise<Float32Array[]>;
  onProgress?(done: number, total: number): void;
  /** Written into the manifest (`app.version`). */
  appVersion?: string;
  /** Creation time (ISO 8601); default now. */
  createdAt?: string;
  /** Regions of interest drawn on the dataset (optional: written as rois.json only when there are some). */
  rois?: readonly Roi[];
  /** Deflate level of the images (0–9, default 6). */
  level?: 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;
}

export function defaultRows(result: JobResult, maxFdr = DEFAULT_MAX_FDR): AnnotationRow[] {
  return result.rows.filter((r) => r.fdr <= maxFdr);
}

const json = (v: unknown): Uint8Array => strToU8(JSON.stringify(v, jsonNumberReplacer));

export async function writeBundle(input: WriteBundleInput): Promise<Uint8Array> {
  const { result, meta, mask } = input;
  const rows = input.rows ?? defaultRows(result);
  const nPixels = meta.width * meta.height;
  if (!(Number.isInteger(meta.width) && Number.isInteger(meta.height) && meta.width > 0 && meta.height > 0)) {
    throw new BundleError(`dataset '${meta.name}': grid ${meta.width}×${meta.height} is not a valid image size`);
  }
  if (mask.length !== nPixels) throw new BundleError(`dataset '${meta.name}': mask has ${mask.length} bytes but the grid is ${meta.width}×${meta.height}`);
  // never write what readBundle's default limits would refuse
  if (rows.length > DEFAULT_LIMITS.maxRows) throw new BundleError(`${rows.length} rows to export; a bundle holds at most ${DEFAULT_LIMITS.maxRows} — pass a stricter row filter`);
  if (nPixels > DEFAULT_LIMITS.maxPixels) throw new BundleError(`grid ${meta.width}×${meta.height} is larger than a bundle supports (${DEFAULT_LIMITS.maxPixels} pixels)`);
  const createdAt = input.createdAt ?? new Date().toISOString();
  const level = input.level ?? 6;
  const files: Zippable = {};
  let images = 0;
  for (let i = 0; i < rows.length; i++) {
    const imgs = await input.getImages(rows[i]);
    if (imgs.length > DEFAULT_LIMITS.maxImagesPerRow) throw new BundleError(`row ${i} (${rows[i].ion}): ${imgs.length} images; a bundle holds at most ${DEFAULT_LIMITS.maxImagesPerRow} per row`);
    files[imageEntryName(i)] = [encodeRowImages(imgs, nPixels, `row ${i} (${rows[i].ion})`), { level }];
    images += imgs.length;
    input.onProgress?.(i + 1, rows.length);
  }
  const { rows: _omit, ...resultNoRows } = result;
  const { segments: _segments, ...metaNoSegments } = meta;
  files[ENTRY_JOB] = json({ result: resultNoRows, dataset: metaNoSegments });
  files[ENTRY_MASK] = new Uint8Array(mask);
  files[ENTRY_ANNOTATIONS] = json({ rows });
  if (input.rois?.length) {
    if (input.rois.length > MAX_BUNDLE_ROIS) throw new BundleError(`${input.rois.length} regions of interest; a bundle holds at most ${MAX_BUNDLE_ROIS}`);
    // typed pixel lists become plain lists in JSON
    const rois = input.rois.map((r) => ({ ...r, shape: r.shape.kind === 'pixels' ? { kind: 'pixels', indices: Array.from(r.shape.indices) } : r.shape }));
    files[ENTRY_ROIS] = json({ rois });
  }
  const entries: Record<string, number> = {};
  let total = 0;
  for (const [k, v] of Object.entries(files)) {
    const n = (Array.isArray(v) ? (v[0] as Uint8Array) : (v as Uint8Array)).length;
    entries[k] = n;
    total += n;
  }
  let sampled = 0;
  for (let i = 0; i < mask.length; i++) sampled += mask[i] ? 1 : 0;
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    createdAt,
    app: { name: 'imzlens', version: input.appVersion ?? 'unknown' },
    counts: { rows: rows.length, images, width: meta.width, height: meta.height, pixels: nPixels, sampledPixels: sampled },
    sizes: { entries, total },
    imageEncoding: IMAGE_ENCODING,
  };
  // manifest first, so a reader (or `unzip -l`) sees it at the top
  const ordered: Zippable = { [ENTRY_MANIFEST]: json(manifest) };
  for (const [k, v] of Object.entries(files)) ordered[k] = v;
  const t = new Date(createdAt);
  return zipSync(ordered, { level: 6, mtime: Number.isNaN(t.getTime()) ? new Date() : t });
}
