// Streams a simulated dataset into imzML + ibd sinks: processed mode, float64 m/z, float32 intensities,
// centroid, seed-derived uuid (so the SHA-1 depends only on the options), plus the ground truth with stats.
import { ImzmlWriter, type ByteSink, type ImzmlWriteResult } from '../imzml/writer.ts';
import { simulateSpectra, newStats, truthCsv, simUuid, type SimPlan, type SimStats } from './simulate.ts';

export interface SimWriteResult extends ImzmlWriteResult {
  stats: SimStats;
  truthCsv: string;
}

export async function writeSimulation(
  plan: SimPlan,
  sinks: { ibd: ByteSink; imzml: ByteSink },
  options: { pixelSizeUm?: number; onProgress?(spectra: number, total: number): void } = {},
): Promise<SimWriteResult> {
  const writer = new ImzmlWriter({
    ...sinks,
    mode: 'processed',
    mzType: 'f64',
    intensityType: 'f32',
    spectrumType: 'centroid',
    polarity: plan.options.polarity === '-' ? 'negative' : 'positive',
    pixelSize: { x: options.pixelSizeUm ?? 10, y: options.pixelSizeUm ?? 10 },
    uuid: simUuid(plan.options.seed),
    instrument: 'imzlens simulator',
  });
  const stats = newStats(plan);
  let n = 0;
  for (const s of simulateSpectra(plan, stats)) {
    // addSpectrum copies the arrays before its first await, so the generator's reused buffers are safe
    await writer.addSpectrum(s.x, s.y, s.mz, s.intensity);
    if (options.onProgress && ++n % 4096 === 0) options.onProgress(n, plan.nSpectra);
  }
  const r = await writer.finish();
  return { ...r, stats, truthCsv: truthCsv(plan, stats) };
}
