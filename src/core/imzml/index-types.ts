// The imzML index: what parsing the XML yields (header facts + per-spectrum offsets in typed arrays).
import type { Compression, DataType } from './format.ts';

export interface ImzmlIndex {
  /** Name of the imzML source. */
  name: string;
  nSpectra: number;
  /** Decided from the offsets (all m/z arrays at one offset = continuous); `storageModeLabel` is what the file says. */
  storageMode: 'continuous' | 'processed';
  storageModeLabel: 'continuous' | 'processed' | null;
  mzDataType: DataType;
  intensityDataType: DataType;
  mzCompression: Compression;
  intensityCompression: Compression;
  polarity: 'positive' | 'negative' | null;
  spectrumType: 'centroid' | 'profile' | null;
  pixelSizeX: number | null;
  pixelSizeY: number | null;
  /** IMS:1000042/43 as written (may be absent). */
  maxCountX: number | null;
  maxCountY: number | null;
  instrument: string | null;
  /** IMS:1000080 as written, and normalised to 32 lower-case hex digits (null when not a valid UUID). */
  uuidText: string | null;
  uuid: string | null;
  md5: string | null;
  sha1: string | null;
  warnings: string[];
  /** Per spectrum, in file order. x/y are the 1-based file coordinates. */
  x: Int32Array;
  y: Int32Array;
  mzOffset: Float64Array;
  mzLength: Float64Array;
  mzEncodedLength: Float64Array;
  intensityOffset: Float64Array;
  intensityLength: Float64Array;
  intensityEncodedLength: Float64Array;
}

export interface ParseOptions {
  signal?: AbortSignal;
  onProgress?(bytes: number): void;
  /** Bytes per read; default 4 MiB. */
  chunkBytes?: number;
}
