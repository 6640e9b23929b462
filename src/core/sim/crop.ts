// Cuts a region (pixel box and/or m/z range) out of an imzML/ibd pair into a new processed-mode pair, streaming:
// spectra are read in chunks of consecutive selected spectra and written through ImzmlWriter, so the memory
// used is one chunk, whatever the dataset size. Coordinates are kept as in the source.
import type { ByteSource } from '../types.ts';
import type { ImzmlIndex } from '../imzml/parse.ts';
import { forEachSpectrum, validateRanges } from '../imzml/spectra.ts';
import { ImzmlWriter, type ByteSink, type ImzmlWriteResult } from '../imzml/writer.ts';

export interface CropRegion {
  /** Inclusive file-coordinate ranges (1-based as written); omitted = no limit. */
  x?: readonly [number, number];
  y?: readonly [number, number];
  /** Inclusive m/z range; omitted = keep all peaks. */
  mz?: readonly [number, number];
}

export interface CropResult extends ImzmlWriteResult {
  peaks: number;
}

const CHUNK_SPECTRA = 2048;

/** Indices of the spectra inside the pixel box, in file order. */
export function selectSpectra(index: ImzmlIndex, region: CropRegion): Uint32Array {
  const [x0, x1] = region.x ?? [-Infinity, Infinity];
  const [y0, y1] = region.y ?? [-Infinity, Infinity];
  const out: number[] = [];
  for (let i = 0; i < index.nSpectra; i++) {
    const x = index.x[i]!, y = index.y[i]!;
    if (x >= x0 && x <= x1 && y >= y0 && y <= y1) out.push(i);
  }
  return Uint32Array.from(out);
}

export async function cropDataset(
  index: ImzmlIndex,
  ibd: ByteSource,
  sinks: { ibd: ByteSink; imzml: ByteSink },
  region: CropRegion,
  options: { onProgress?(done: number, total: number): void; uuid?: string } = {},
): Promise<CropResult> {
  const sel = selectSpectra(index, region);
  if (sel.length === 0) {
    throw new Error(`crop: no spectrum of ${index.name} lies in x ${region.x?.join('..') ?? 'any'}, y ${region.y?.join('..') ?? 'any'}; check the ranges against the file's coordinates`);
  }
  validateRanges(index, ibd);
  const writer = new ImzmlWriter({
    ...sinks,
    mode: 'processed',
    mzType: index.mzDataType === 'f32' ? 'f32' : 'f64',
    intensityType: index.intensityDataType === 'f64' ? 'f64' : 'f32',
    spectrumType: index.spectrumType,
    polarity: index.polarity,
    pixelSize: index.pixelSizeX && index.pixelSizeY ? { x: index.pixelSizeX, y: index.pixelSizeY } : null,
    instrument: index.instrument,
    uuid: options.uuid,
  });
  const [lo, hi] = region.mz ?? [-Infinity, Infinity];
  let peaks = 0;
  for (let c = 0; c < sel.length; c += CHUNK_SPECTRA) {
    const only = sel.subarray(c, c + CHUNK_SPECTRA);
    const chunk: { i: number; mz: Float64Array; int: Float64Array }[] = [];
    // the callback's arrays are views valid only during the call: copy the kept peaks
    await forEachSpectrum(index, ibd, (i, mz, inten) => {
      if (region.mz) {
        // m/z arrays are sorted in valid imzML, but do not rely on it: filter
        let n = 0;
        for (let k = 0; k < mz.length; k++) if (mz[k]! >= lo && mz[k]! <= hi) n++;
        const m2 = new Float64Array(n), i2 = new Float64Array(n);
        for (let k = 0, w = 0; k < mz.length; k++) if (mz[k]! >= lo && mz[k]! <= hi) { m2[w] = mz[k]!; i2[w++] = inten[k]!; }
        chunk.push({ i, mz: m2, int: i2 });
        return;
      }
      chunk.push({ i, mz: Float64Array.from(mz), int: Float64Array.from(inten) });
    }, { only });
    for (const s of chunk) {
      peaks += s.mz.length;
      await writer.addSpectrum(index.x[s.i]!, index.y[s.i]!, s.mz, s.int);
    }
    options.onProgress?.(Math.min(c + CHUNK_SPECTRA, sel.length), sel.length);
  }
  const r = await writer.finish();
  return { ...r, peaks };
}

/** Parses 'a:b' (or 'a,b') into an inclusive numeric range. */
export function parseRange(s: string, what: string): [number, number] {
  const parts = s.split(/[:,]/).map((t) => t.trim());
  const a = Number(parts[0]), b = Number(parts[1]);
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '' || !Number.isFinite(a) || !Number.isFinite(b) || b < a) {
    throw new Error(`${what} must be a range 'from:to' with from ≤ to (got '${s}')`);
  }
  return [a, b];
}
