// The ion image viewer's state: the dataset's sample mask and TIC image, the selected annotation's 4 isotope images
// (computed in the analysis worker, or read from a shared bundle), the isotope shown, the locked intensity range,
// the thumbnails' render inputs (TIC-normalised when the view says so), and the multi-ion overlay's channels.
import { lockFor, type LockedRange } from '../../core/view/lock.ts';
import { ticNormalize } from '../../core/view/normalize.ts';
import { CHANNEL_COLORS, MAX_CHANNELS } from '../../core/view/overlay.ts';
import { defaultRange } from '../../core/view/scale.ts';
import { DEFAULT_PPM } from '../../core/view/presets.ts';
import type { AnnotationRow } from '../../core/job/result.ts';
import type { DatasetMeta } from '../../core/types.ts';
import { imagesFingerprint } from '../services/bundles.ts';
import { datasetMask, ionImages, ticImage, warmIonImages } from '../services/images.ts';
import { renderInput, type OverlayChannel } from '../viewer/display.ts';
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
  /** Absolute intensity range kept across images while locked (in the units it was locked in: raw or TIC). */
  lockedRange = $state<LockedRange | null>(null);
  /** Multi-ion overlay: up to 4 annotations' principal-peak images as additive colour channels. */
  overlay = $state.raw<OverlayChannel[]>([]);
  /** Show the overlay instead of the selected annotation's image. */
  showOverlay = $state(false);
  overlayError = $state('');
  /** Render inputs of the isotope thumbnails (null = no such peak). */
  readonly thumbInputs = $derived(this.thumbs());
  /** Fingerprint of the selected row's images (lets tests compare pixel values bit for bit). */
  readonly imagesHash = $derived(this.images.length ? imagesFingerprint(this.images) : '');

  constructor(app: AppState) {
    this.app = app;
  }

  /** Why TIC normalisation cannot be offered ('' = it can, once the TIC image is read). */
  get normUnavailable(): string {
    return this.app.share.bundle ? 'This shared result carries no TIC image, so it cannot be TIC-normalised' : '';
  }

  /** The dataset's TIC image when the view asks for TIC normalisation and it is there; else null. */
  private normTic(n: number): Float32Array | null {
    const tic = this.tic;
    return this.app.view.norm && tic && tic.length === n ? tic : null;
  }

  private thumbs(): (RenderInput | null)[] {
    const { mask, images } = this;
    const meta = this.app.library.meta;
    const view = this.app.view;
    const row = this.app.job.selectedRow;
    if (!(mask && meta && images.length)) return [];
    const tic = this.normTic(meta.width * meta.height);
    return images.map((raw, i) => {
      if (!row || !(row.centroidMzs[i] > 0)) return null;
      const img = tic ? this.normalised(raw, tic) : raw;
      return renderInput(img, meta.width, meta.height, mask, view.scale, this.rangeOf(img, !!tic), view.cmap, view.inverted);
    });
  }

  /** TIC-normalised images, kept per raw image (a toggle back and forth does not redo the division). */
  private normCache = new WeakMap<Float32Array, { tic: Float32Array; out: Float32Array }>();
  private normalised(raw: Float32Array, tic: Float32Array): Float32Array {
    const c = this.normCache.get(raw);
    if (c && c.tic === tic) return c.out;
    const out = ticNormalize(raw, tic);
    this.normCache.set(raw, { tic, out });
    return out;
  }

  private rangeOf(img: Float32Array, norm: boolean) {
    // thumbnails follow the main image's scale rule, each with its own default range (or the lock, in these units)
    const r = defaultRange(img, this.mask, this.app.view.scale);
    const auto = { min: r.min, max: r.max || 1 };
    const lock = lockFor(this.lockedRange, norm, auto);
    return lock && !!lock.tic === norm ? lock : auto;
  }

  /** Adds the annotation's principal-peak image as the next overlay channel (at most 4; each ion once). */
  addToOverlay(row: AnnotationRow): void {
    const m = this.app.library.meta;
    if (!m) return;
    const id = rowId(row);
    this.overlayError = '';
    if (this.overlay.some((c) => c.id === id)) { this.showOverlay = true; return; }
    if (this.overlay.length >= MAX_CHANNELS) { this.overlayError = `The overlay holds ${MAX_CHANNELS} ions; remove one first.`; return; }
    const used = new Set(this.overlay.map((c) => c.color.join()));
    const color = CHANNEL_COLORS.find((c) => !used.has(c.join())) ?? CHANNEL_COLORS[this.overlay.length % CHANNEL_COLORS.length];
    const label = `${row.ion} · m/z ${row.centroidMzs[0].toFixed(4)}`;
    const add = (image: Float32Array) => {
      if (this.app.library.meta?.id !== m.id || this.overlay.some((c) => c.id === id) || this.overlay.length >= MAX_CHANNELS) return;
      const detail = `MSM ${row.msm.toFixed(3)}, FDR ${Math.round(row.fdr * 100)} %`;
      this.overlay = [...this.overlay, { id, label, image, color, range: null, detail }];
      this.showOverlay = true;
    };
    const share = this.app.share;
    if (share.bundle) {
      try { add(share.bundle.images(share.rowIndex!.get(row)!)[0]); } catch (e) { this.overlayError = `Overlay: ${(e as Error).message}`; }
      return;
    }
    // the selected row's images are already here; any other row's principal image is computed in the worker
    if (this.imagesFor === `${m.id}|${id}` && this.images[0]) { add(this.images[0]); return; }
    const ppm = this.app.job.result?.params.ppm ?? DEFAULT_PPM;
    ionImages(m, [row.centroidMzs[0]], ppm).then(([img]) => add(img)).catch((e: Error) => (this.overlayError = `Overlay: ${e.message}`));
  }

  removeFromOverlay(id: string): void {
    this.overlay = this.overlay.filter((c) => c.id !== id);
    if (!this.overlay.length) this.showOverlay = false;
  }

  setChannel(id: string, patch: Partial<Pick<OverlayChannel, 'color' | 'range'>>): void {
    this.overlay = this.overlay.map((c) => (c.id === id ? { ...c, ...patch } : c));
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
      this.overlay = [];
      this.showOverlay = false;
      this.overlayError = '';
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
