// The ion image viewer's state: the dataset's sample mask and TIC image, the selected annotation's 4 isotope images
// (computed in the analysis worker, or read from a shared bundle), the isotope shown, the locked intensity range,
// and the thumbnails' render inputs.
import { defaultRange } from '../../core/view/scale.ts';
import { DEFAULT_PPM } from '../../core/view/presets.ts';
import type { AnnotationRow } from '../../core/job/result.ts';
import type { DatasetMeta } from '../../core/types.ts';
import { imagesFingerprint } from '../services/bundles.ts';
import { datasetMask, ionImages, ticImage, warmIonImages } from '../services/images.ts';
import { renderInput } from '../viewer/display.ts';
import type { RenderInput } from '../viewer/renderer.ts';
import type { AppState } from './app.svelte.ts';
import { rowId } from './job.svelte.ts';

export class ViewerState {
  private readonly app: AppState;
  mask = $state.raw<Uint8Array | null>(null);
  tic = $state.raw<Float32Array | null>(null);
  images = $state.raw<Float32Array[]>([]);
  /** `<dataset id>|<row id>` of `images` (a new selection keeps the old images until its own arrive). */
  imagesFor = $state('');
  error = $state('');
  /** Isotope shown in the main viewer (0 = M). */
  iso = $state(0);
  /** Absolute intensity range kept across images while locked. */
  lockedRange = $state<{ min: number; max: number } | null>(null);
  /** Render inputs of the isotope thumbnails (null = no such peak). */
  readonly thumbInputs = $derived(this.thumbs());
  /** Fingerprint of the selected row's images (lets tests compare pixel values bit for bit). */
  readonly imagesHash = $derived(this.images.length ? imagesFingerprint(this.images) : '');

  constructor(app: AppState) {
    this.app = app;
  }

  private thumbs(): (RenderInput | null)[] {
    const { mask, images } = this;
    const meta = this.app.library.meta;
    const view = this.app.view;
    const row = this.app.job.selectedRow;
    return mask && meta && images.length
      ? images.map((img, i) => (row && row.centroidMzs[i] > 0 ? renderInput(img, meta.width, meta.height, mask, view.scale, this.rangeOf(img), view.cmap, view.inverted) : null))
      : [];
  }

  private rangeOf(img: Float32Array) {
    // thumbnails follow the main image's scale rule, each with its own default range (or the locked one)
    if (this.lockedRange) return this.lockedRange;
    const r = defaultRange(img, this.mask, this.app.view.scale);
    return { min: r.min, max: r.max || 1 };
  }

  clearImages(): void {
    this.images = [];
    this.imagesFor = '';
    this.error = '';
  }

  /** Dataset changed → its mask and TIC image. */
  followDataset(): void {
    $effect(() => {
      const m = this.app.library.meta;
      const { share, view } = this.app;
      const sh = share.bundle;
      this.mask = null;
      this.tic = null;
      if (sh) { this.mask = sh.mask; return; }
      if (!m || share.fromLink) return;
      datasetMask(m).then((x) => { if (view.dataset === m.id) this.mask = x; }).catch((e: Error) => (this.error = e.message));
      ticImage(m).then((x) => { if (view.dataset === m.id) this.tic = x; }).catch(() => {});
    });
  }

  /** Selected annotation → its 4 isotope images: from the shared bundle, or computed from the stored segments. */
  followSelection(): void {
    $effect(() => {
      const row = this.app.job.selectedRow;
      const m = this.app.library.meta;
      const ppm = this.app.job.result?.params.ppm ?? DEFAULT_PPM;
      if (!row || !m) { this.images = []; this.imagesFor = ''; return; }
      const id = `${m.id}|${rowId(row)}`;
      this.error = '';
      const share = this.app.share;
      const sh = share.bundle;
      if (sh) {
        // images stored in the bundle, decoded (and checked against the grid) on selection
        try {
          this.images = sh.images(share.rowIndex!.get(row)!);
          this.imagesFor = id;
          this.iso = 0;
        } catch (e) {
          this.images = [];
          this.imagesFor = '';
          this.error = `Ion image: ${(e as Error).message}`;
        }
        return;
      }
      const view = this.app.view;
      ionImages(m, row.centroidMzs, ppm).then((imgs) => {
        if (view.ion !== rowId(row)) return;
        this.images = imgs;
        this.imagesFor = id;
        this.iso = 0;
        this.warmNeighbours(m, ppm);
      }).catch((e: Error) => (this.error = `Ion image: ${e.message}`));
    });
  }

  /** The next two rows and the previous one in the table: their segments are read ahead (issue 13, click → paint). */
  private warmNeighbours(m: DatasetMeta, ppm: number): void {
    const { filtered, selectedIndex: i } = this.app.job;
    if (i < 0) return;
    const near = [filtered[i + 1], filtered[i + 2], filtered[i - 1]].filter((r): r is AnnotationRow => !!r);
    void warmIonImages(m, near.flatMap((r) => r.centroidMzs.filter((mz) => mz > 0)), ppm);
  }

  isoLabel(i: number, row: AnnotationRow): string {
    return `${i === 0 ? 'M' : `M+${i}`} · ${row.centroidMzs[i].toFixed(4)}`;
  }
}
