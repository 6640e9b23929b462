// The spectrum browser's requests to the analysis worker: a pixel's spectrum and the mean spectrum (both from the
// per-dataset spectrum index the worker builds once, src/platform/browser/spectrum-index.ts), and the image of any
// m/z ± ppm (the viewer's ion-image path).
import * as Comlink from 'comlink';
import { mzQueryProblem, type Spectrum } from '../../core/analysis/spectrum.ts';
import type { DatasetMeta } from '../../core/types.ts';
import type { IndexProgress, PixelSpectrumReply } from '../../../workers/analysis-worker.ts';
import { analysisWorker, ionImages } from './images.ts';
import { isCloudDataset } from './store.ts';

export type { IndexProgress, PixelSpectrumReply };

async function localOnly(meta: DatasetMeta): Promise<void> {
  if (await isCloudDataset(meta)) {
    throw new Error('this dataset\'s peaks are in your cloud (ingested in AWS Lambda), not in this browser: pixel and mean spectra need them here. The m/z → image box works.');
  }
}

/** The peaks of pixel (col, row) of the bounding box (0-based), m/z-ascending. */
export async function pixelSpectrum(meta: DatasetMeta, col: number, row: number, onProgress?: (p: IndexProgress) => void): Promise<PixelSpectrumReply> {
  await localOnly(meta);
  const w = analysisWorker();
  const cb = onProgress ? Comlink.proxy(onProgress) : undefined;
  return Promise.race([w.remote.pixelSpectrum(meta, row * meta.width + col, cb), w.crashed]);
}

export async function meanSpectrum(meta: DatasetMeta, onProgress?: (p: IndexProgress) => void): Promise<Spectrum> {
  await localOnly(meta);
  const w = analysisWorker();
  const cb = onProgress ? Comlink.proxy(onProgress) : undefined;
  return Promise.race([w.remote.meanSpectrum(meta, cb), w.crashed]);
}

/** The ion image of mz ± ppm (any m/z, database ion or not); a bad query throws its message. */
export async function mzImage(meta: DatasetMeta, mz: number, ppm: number): Promise<Float32Array> {
  const problem = mzQueryProblem(mz, ppm, meta);
  if (problem) throw new Error(problem);
  const [img] = await ionImages(meta, [mz], ppm);
  return img;
}
