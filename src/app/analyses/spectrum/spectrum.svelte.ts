// The spectrum browser's state: the clicked pixel and its spectrum, the mean spectrum, and the "any m/z ± ppm" image
// that the main viewer shows instead of the selected annotation while it is set. All keyed by dataset id, so a
// dataset switch never shows another dataset's spectrum.
import { annotationWindows, matchAnnotatedPeaks, type Spectrum } from '../../../core/analysis/spectrum.ts';
import type { DatasetMeta } from '../../../core/types.ts';
import { DEFAULT_PPM } from '../../../core/view/presets.ts';
import { meanSpectrum, mzImage, pixelSpectrum, type IndexProgress } from '../../services/spectrum.ts';
import type { AppState } from '../../state/app.svelte.ts';
import { rowId } from '../../state/job.svelte.ts';

/** A marked peak of the plot: an annotation whose isotope window holds it (`row` = the annotation's row id). */
export interface Mark { mz: number; intensity: number; label: string; title: string; row: string }

export class SpectrumState {
  open = $state(false);
  tab = $state<'pixel' | 'mean'>('pixel');
  /** The clicked pixel (0-based grid column/row) and, once read, its peaks. */
  pixel = $state.raw<{ datasetId: string; col: number; row: number; spectrum: Spectrum | null; ms: number } | null>(null);
  mean = $state.raw<{ datasetId: string; spectrum: Spectrum; ms: number } | null>(null);
  /** Index building progress or what is being read. */
  status = $state('');
  error = $state('');
  /** The image of a typed m/z, shown by the main viewer while set. */
  /** (`ion`: the annotation selected when it was asked for; selecting another one in the table shows that one again) */
  custom = $state.raw<{ datasetId: string; ion: string | null; mz: number; ppm: number; image: Float32Array; ms: number } | null>(null);
  mzMessage = $state('');
  mzBusy = $state(false);
  private seq = 0;

  constructor(private readonly app: AppState) {}

  private progress = (what: string) => (p: IndexProgress) => {
    this.status = `Indexing the dataset's spectra (once per dataset): ${p.done}/${p.total} segments… then ${what}`;
  };

  /** A click on the main image: read that pixel's spectrum. */
  async pickPixel(meta: DatasetMeta, col: number, row: number): Promise<void> {
    const seq = ++this.seq;
    this.open = true;
    this.tab = 'pixel';
    this.error = '';
    this.pixel = { datasetId: meta.id, col, row, spectrum: null, ms: 0 };
    const mask = this.app.viewer.mask;
    if (mask && !mask[row * meta.width + col]) {
      this.status = '';
      this.error = `Pixel x ${col + meta.minX}, y ${row + meta.minY} has no spectrum (outside the sampled area).`;
      return;
    }
    this.status = `Reading the spectrum of x ${col + meta.minX}, y ${row + meta.minY}…`;
    const t0 = performance.now();
    try {
      const r = await pixelSpectrum(meta, col, row, this.progress('reading the pixel.'));
      if (seq !== this.seq) return;
      const ms = performance.now() - t0;
      this.pixel = { datasetId: meta.id, col, row, spectrum: { mz: r.mz, intensity: r.intensity }, ms };
      const b = r.build;
      this.status = b
        ? `Spectrum index built in ${(b.ms / 1000).toFixed(1)} s (reading every segment ${(b.readMs / 1000).toFixed(1)} s, writing ${(b.bytes / 2 ** 20).toFixed(0)} MB ${(b.writeMs / 1000).toFixed(1)} s); this pixel read in ${r.readMs.toFixed(0)} ms.`
        : '';
    } catch (e) {
      if (seq !== this.seq) return;
      this.status = '';
      this.error = `Spectrum: ${(e as Error).message}`;
    }
  }

  async loadMean(meta: DatasetMeta): Promise<void> {
    if (this.mean?.datasetId === meta.id) return;
    const t0 = performance.now();
    this.error = '';
    this.status = 'Reading the mean spectrum…';
    try {
      const s = await meanSpectrum(meta, this.progress('the mean spectrum.'));
      this.mean = { datasetId: meta.id, spectrum: s, ms: performance.now() - t0 };
      if (this.tab === 'mean') this.status = '';
    } catch (e) {
      this.status = '';
      this.error = `Mean spectrum: ${(e as Error).message}`;
    }
  }

  /** The "m/z ± ppm" box: its image in the main viewer, or a message saying what is wrong. */
  async showMz(meta: DatasetMeta, mzText: string, ppmText: string): Promise<void> {
    const mz = mzText.trim() === '' ? Number.NaN : Number(mzText);
    const ppm = ppmText.trim() === '' ? Number.NaN : Number(ppmText);
    this.mzMessage = '';
    this.mzBusy = true;
    const t0 = performance.now();
    try {
      const image = await mzImage(meta, mz, ppm);
      this.custom = { datasetId: meta.id, ion: this.app.view.ion, mz, ppm, image, ms: performance.now() - t0 };
    } catch (e) {
      this.mzMessage = (e as Error).message;
    } finally {
      this.mzBusy = false;
    }
  }

  clearCustom(): void {
    this.custom = null;
  }

  /** The job's annotations (the table's rows) whose isotope windows hold a peak of `s`: one mark per peak. */
  marksFor(s: Spectrum): Mark[] {
    const job = this.app.job;
    const rows = job.filtered;
    if (!rows.length) return [];
    const ppm = job.result?.params.ppm ?? DEFAULT_PPM;
    const hits = matchAnnotatedPeaks(s, annotationWindows(rows, ppm));
    const byPeak = new Map<number, Mark>();
    for (const { peak, window: w } of hits) {
      const r = rows[w.row];
      const name = w.iso ? `${r.ion} M+${w.iso}` : r.ion;
      const line = `${name} (${r.database}, FDR ${Math.round(r.fdr * 100)} %): theoretical m/z ${w.mz.toFixed(4)} ± ${ppm} ppm`;
      const m = byPeak.get(peak);
      if (m) { m.label += ', …'; m.title += `\n${line}`; continue; }
      byPeak.set(peak, { mz: s.mz[peak], intensity: s.intensity[peak], label: name, title: `peak m/z ${s.mz[peak].toFixed(4)}\n${line}`, row: rowId(r) });
    }
    // "…" once, however many more annotations share the peak
    for (const m of byPeak.values()) m.label = m.label.replace(/(, …)+$/, ', …');
    return [...byPeak.values()];
  }

  selectAnnotation(key: string): void {
    this.custom = null;
    this.app.view.ion = key;
  }
}
