// Shared data shapes of the annotation core. Typed arrays throughout: no per-peak or per-pixel objects.

/** Random-access reads of a file-like source (browser File/Blob, Node file, HTTP range, S3 object). */
export interface ByteSource {
  /** A name for messages (file name or URL). */
  readonly name: string;
  /** Size in bytes (may exceed 4 GB; all offsets are plain numbers, exact below 2^53). */
  readonly size: number;
  /** Reads exactly `length` bytes at `offset`; rejects with a clear error when the range is outside the source. */
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** One m/z-range segment of a dataset: all its peaks, sorted by m/z (stable: equal m/z keep spectrum order). */
export interface Segment {
  mz: Float64Array;
  intensity: Float32Array;
  /** Row-major pixel index in the bounding box: (y - minY) * width + (x - minX). */
  pixel: Uint32Array;
}

export interface SegmentInfo {
  index: number;
  /** Actual first and last m/z of the peaks in the segment (inclusive). */
  mzMin: number;
  mzMax: number;
  nPeaks: number;
}

/** Dataset geometry and metadata, as stored next to the segments. */
export interface DatasetMeta {
  id: string;
  name: string;
  /** Bounding box of the sampled coordinates (spec §1). */
  width: number;
  height: number;
  /** File coordinates (1-based as written in the imzML) of the box's top-left pixel. */
  minX: number;
  minY: number;
  nSpectra: number;
  /** Pixels with at least one spectrum (= count of 1s in the mask). */
  nSamplePixels: number;
  totalPeaks: number;
  mzMin: number;
  mzMax: number;
  polarity: 'positive' | 'negative' | null;
  spectrumType: 'centroid' | 'profile' | null;
  pixelSizeX: number | null;
  pixelSizeY: number | null;
  instrument: string | null;
  segments: SegmentInfo[];
  warnings: string[];
  source: { imzml: string; ibd: string; ibdSize: number; uuid: string | null };
  createdAt: string;
}

/** Geometry the scorer needs: the bounding box and the sample-area mask (h*w, 1 = sampled). */
export interface DatasetGeometry {
  width: number;
  height: number;
  mask: Uint8Array;
}

/**
 * Isotope centroids of n ion formulas, 4 slots each (spec §4: the 4 most intense peaks re-sorted by m/z,
 * intensities scaled so the largest is 100; unused slots have m/z 0 and intensity 0).
 */
export interface CentroidTable {
  n: number;
  mzs: Float64Array; // n * 4
  ints: Float64Array; // n * 4
  nPeaks: Uint8Array; // n
}
