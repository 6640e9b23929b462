// The imzlens result bundle, version 1: a zip archive (see docs/bundle-format.md) with
//   manifest.json    format tag, version, creation time, app, counts, entry sizes
//   job.json         { result: JobResult without rows, dataset: DatasetMeta without segments }
//   mask.bin         sample-area mask, h*w bytes (0/1), row-major
//   annotations.json { rows: AnnotationRow[] } (isotope patterns included)
//   images/<i>.bin   the isotope images of row i (image-codec.ts)
//   rois.json        optional: { rois: Roi[] } regions of interest drawn on the dataset ('pixels' indices as a list);
//                    bundles written before it existed have none and open as before
// Numbers in the JSON entries that JSON cannot spell (NaN, ±Infinity, -0) are written as the strings
// "NaN", "Infinity", "-Infinity", "-0" so every double survives the round trip bit for bit.

export const BUNDLE_FORMAT = 'imzlens-bundle';
export const BUNDLE_VERSION = 1;
export const BUNDLE_MEDIA_TYPE = 'application/zip';
export const BUNDLE_EXTENSION = '.imzlens.zip';

export const ENTRY_MANIFEST = 'manifest.json';
export const ENTRY_JOB = 'job.json';
export const ENTRY_MASK = 'mask.bin';
export const ENTRY_ANNOTATIONS = 'annotations.json';
export const ENTRY_ROIS = 'rois.json';
/** Regions of interest a bundle may carry. */
export const MAX_BUNDLE_ROIS = 1000;
export const imageEntryName = (row: number): string => `images/${row}.bin`;

/** Default export filter: rows with FDR ≤ 50 %. */
export const DEFAULT_MAX_FDR = 0.5;

export interface BundleManifest {
  format: typeof BUNDLE_FORMAT;
  version: number;
  createdAt: string;
  app: { name: string; version: string };
  counts: { rows: number; images: number; width: number; height: number; pixels: number; sampledPixels: number };
  /** Uncompressed bytes of every entry except manifest.json, and their sum. */
  sizes: { entries: Record<string, number>; total: number };
  /** The image encoding of images/*.bin (image-codec.ts). */
  imageEncoding: string;
}

/** Caps applied when opening a bundle (all checked before the bytes are inflated). */
export interface BundleLimits {
  /** Size of the bundle file itself. */
  maxBundleBytes: number;
  /** Sum of the declared uncompressed sizes of all entries. */
  maxTotalBytes: number;
  /** Declared uncompressed size of any one entry. */
  maxEntryBytes: number;
  /** Declared uncompressed size of a JSON entry. */
  maxJsonBytes: number;
  maxEntries: number;
  maxRows: number;
  /** Grid width × height. */
  maxPixels: number;
  maxImagesPerRow: number;
  /** Characters of any string field. */
  maxStringLength: number;
  /** Items of any list field (molecule ids, warnings, stages…). */
  maxListLength: number;
}

export const DEFAULT_LIMITS: Readonly<BundleLimits> = Object.freeze({
  maxBundleBytes: 1 << 30,
  maxTotalBytes: 2 ** 31,
  maxEntryBytes: 1 << 29,
  maxJsonBytes: 1 << 26,
  maxEntries: 1_000_000,
  maxRows: 200_000,
  maxPixels: 1 << 26,
  maxImagesPerRow: 8,
  maxStringLength: 100_000,
  maxListLength: 1_000_000,
});

/** JSON.stringify replacer that keeps NaN, ±Infinity and -0 (see the header). */
export function jsonNumberReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (value === Infinity) return 'Infinity';
    if (value === -Infinity) return '-Infinity';
    if (Object.is(value, -0)) return '-0';
  }
  return value;
}

const SPECIAL: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity, '-0': -0 };

/** The number a JSON value stands for (number or one of the special strings), or undefined. */
export function jsonNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && Object.prototype.hasOwnProperty.call(SPECIAL, value)) return SPECIAL[value];
  return undefined;
}

/** A safe download name for a job's bundle: the dataset name with unsafe characters replaced. */
export function bundleFileName(datasetName: string): string {
  const base = datasetName.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '').slice(0, 100) || 'result';
  return `${base}${BUNDLE_EXTENSION}`;
}
