// Opens a result bundle. Nothing in it is trusted: sizes and counts are checked before anything is inflated,
// every JSON entry is parsed with JSON.parse and rebuilt field by field (validate.ts), images are decoded
// lazily, per row, and checked against the grid. Unknown entries are ignored. A bundle is data only.
import type { Roi } from '../analysis/roi-types.ts';
import type { JobResult } from '../job/result.ts';
import type { DatasetMeta } from '../types.ts';
import { BundleError } from './errors.ts';
import {
  DEFAULT_LIMITS,
  ENTRY_ANNOTATIONS,
  ENTRY_JOB,
  ENTRY_MANIFEST,
  ENTRY_MASK,
  ENTRY_ROIS,
  imageEntryName,
  type BundleLimits,
  type BundleManifest,
} from './format.ts';
import { decodeRowImages, IMAGE_ENCODING } from './image-codec.ts';
import { checkAnnotations, checkJob, checkManifest, checkRois } from './validate.ts';
import { looksLikeZip, ZipReader } from './zip-reader.ts';

export interface OpenedBundle {
  manifest: BundleManifest;
  /** The job result; `rows` are the exported rows, whose index `images` takes. */
  result: JobResult;
  /** Dataset metadata without segments (a bundle holds no spectra). */
  meta: DatasetMeta;
  mask: Uint8Array;
  /** Regions of interest drawn on the dataset (rois.json; none in bundles written without it). */
  rois: Roi[];
  /** The isotope images of row `rowIndex`, decoded on demand (each call decodes afresh). */
  images(rowIndex: number): Float32Array[];
}

function parseJson(zip: ZipReader, name: string): unknown {
  const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  let s: string;
  try {
    s = text.decode(zip.read(name));
  } catch (e) {
    if (e instanceof BundleError) throw e;
    throw new BundleError(`${name} is not UTF-8 text; the bundle is damaged`);
  }
  try {
    return JSON.parse(s);
  } catch (e) {
    throw new BundleError(`${name} is not valid JSON (${(e as Error).message}); the bundle is damaged`);
  }
}

export async function readBundle(bytes: Uint8Array, limits: Partial<BundleLimits> = {}): Promise<OpenedBundle> {
  const L: BundleLimits = { ...DEFAULT_LIMITS, ...limits };
  if (bytes.length > L.maxBundleBytes) {
    throw new BundleError(`the bundle is ${bytes.length} bytes, more than the limit of ${L.maxBundleBytes}`);
  }
  if (!looksLikeZip(bytes)) throw new BundleError('not an imzlens bundle (the file is not a zip archive)');
  const zip = new ZipReader(bytes, L.maxEntries);

  // sizes first, from the directory alone: nothing is inflated before these pass
  let total = 0;
  for (const e of zip.entries.values()) {
    const cap = e.name.endsWith('.json') ? L.maxJsonBytes : L.maxEntryBytes;
    if (e.size > cap) throw new BundleError(`bundle entry '${e.name}' declares ${e.size} bytes, more than the limit of ${cap}; it was not opened`);
    total += e.size;
  }
  if (total > L.maxTotalBytes) {
    throw new BundleError(`the bundle would inflate to ${total} bytes, more than the limit of ${L.maxTotalBytes}; it was not opened`);
  }
  if (!zip.entries.has(ENTRY_MANIFEST)) throw new BundleError('not an imzlens bundle (no manifest.json in the zip)');
  const manifest = checkManifest(parseJson(zip, ENTRY_MANIFEST), L);
  if (manifest.imageEncoding !== IMAGE_ENCODING) {
    throw new BundleError(`bundle images use encoding '${manifest.imageEncoding}'; this app reads '${IMAGE_ENCODING}'`);
  }
  for (const name of [ENTRY_JOB, ENTRY_MASK, ENTRY_ANNOTATIONS]) {
    if (!zip.entries.has(name)) throw new BundleError(`bundle is incomplete: no ${name}`);
  }
  const { result, meta } = checkJob(parseJson(zip, ENTRY_JOB), L);
  const { width, height } = meta;
  const c = manifest.counts;
  if (c.width !== width || c.height !== height) {
    throw new BundleError(`manifest.json says the grid is ${c.width}×${c.height} but job.json says ${width}×${height}; the bundle is inconsistent`);
  }
  const maskEntry = zip.entries.get(ENTRY_MASK)!;
  if (maskEntry.size !== width * height) {
    throw new BundleError(`mask.bin has ${maskEntry.size} bytes but the grid is ${width}×${height}; the bundle is inconsistent`);
  }
  const mask = zip.read(ENTRY_MASK).slice();
  for (let i = 0; i < mask.length; i++) {
    if (mask[i] > 1) throw new BundleError(`mask.bin byte ${i} is ${mask[i]}, not 0 or 1; the bundle is damaged`);
  }
  const rows = checkAnnotations(parseJson(zip, ENTRY_ANNOTATIONS), L);
  if (rows.length !== c.rows) {
    throw new BundleError(`annotations.json has ${rows.length} rows but manifest.json says ${c.rows}; the bundle is inconsistent`);
  }
  for (let i = 0; i < rows.length; i++) {
    if (!zip.entries.has(imageEntryName(i))) throw new BundleError(`bundle is incomplete: no images for row ${i} (${imageEntryName(i)})`);
  }
  result.rows = rows;
  const rois = zip.entries.has(ENTRY_ROIS) ? checkRois(parseJson(zip, ENTRY_ROIS), L, width * height) : [];
  return {
    manifest,
    result,
    meta,
    mask,
    rois,
    images(rowIndex: number): Float32Array[] {
      if (!Number.isInteger(rowIndex) || rowIndex < 0 || rowIndex >= rows.length) {
        throw new BundleError(`no row ${rowIndex} in this bundle (it has ${rows.length})`);
      }
      const name = imageEntryName(rowIndex);
      return decodeRowImages(zip.read(name), width, height, L.maxImagesPerRow, name);
    },
  };
}
