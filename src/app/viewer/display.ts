// Builds the renderer input for an ion image: texture values (raw intensities, or equalized ranks for
// 'hist'), off-sample pixels marked negative, and the LUT of the chosen colormap.
import { colormapLut, type ColormapName } from '../../core/view/colormap.ts';
import { histEqualizer, type ScaleMode } from '../../core/view/scale.ts';
import { MAX_CHANNELS, type ChannelValues } from '../../core/view/overlay.ts';
import type { OverlayInput, RenderInput } from './renderer.ts';

export function textureValues(image: Float32Array, mask: Uint8Array | null, mode: ScaleMode): Float32Array {
  const out = new Float32Array(image.length);
  const eq = mode === 'hist' ? histEqualizer(image, mask) : null;
  for (let i = 0; i < image.length; i++) {
    if (mask && !mask[i]) out[i] = -1;
    else out[i] = eq ? eq(image[i]) : image[i] > 0 ? image[i] : 0;
  }
  return out;
}

export function renderInput(
  image: Float32Array, width: number, height: number, mask: Uint8Array | null, mode: ScaleMode,
  range: { min: number; max: number }, cmap: ColormapName, inverted: boolean, values?: Float32Array,
): RenderInput {
  const hist = mode === 'hist';
  let vmin = range.min;
  let vmax = range.max;
  if (hist) {
    // the user range is in intensity units; convert to rank units through the equalizer
    const eq = histEqualizer(image, mask);
    vmin = range.min > 0 ? eq(range.min) : 0;
    vmax = eq(range.max);
    if (!(vmax > vmin)) vmax = vmin + 1e-6;
  }
  return {
    width, height, values: values ?? textureValues(image, mask, mode), vmin, vmax,
    log: mode === 'log' || mode === 'log-full', lut: colormapLut(cmap, inverted),
  };
}

/** One overlay channel as the viewer gets it: the (already normalised) image, its range and colour. */
export interface OverlaySource {
  image: Float32Array;
  range: { min: number; max: number };
  color: readonly [number, number, number];
}

/** Texture values of the overlay's channel images, per channel and packed 4 per pixel (off-sample: -1 in all four). */
export interface OverlayValues {
  images: Float32Array[];
  mode: ScaleMode;
  mask: Uint8Array | null;
  values: Float32Array[];
  packed: Float32Array;
}

/**
 * The channels' texture values, reused from `prev` when the images, scale mode and mask are the same — a range or
 * colour change then only changes the shader's uniforms, not the 4-channel texture.
 */
export function overlayValues(images: readonly Float32Array[], n: number, mask: Uint8Array | null, mode: ScaleMode, prev?: OverlayValues | null): OverlayValues {
  const imgs = images.slice(0, MAX_CHANNELS);
  if (prev && prev.mode === mode && prev.mask === mask && prev.images.length === imgs.length && prev.images.every((x, k) => x === imgs[k])) return prev;
  const values = imgs.map((img) => textureValues(img, mask, mode));
  const packed = new Float32Array(n * 4);
  values.forEach((v, k) => { for (let i = 0; i < n; i++) packed[4 * i + k] = v[i]; });
  if (mask) for (let i = 0; i < n; i++) if (!mask[i]) packed.fill(-1, 4 * i, 4 * i + 4);
  return { images: imgs, mode, mask, values, packed };
}

/** Renderer input of a multi-ion overlay: each channel scaled like a single image (same scale mode, own range). */
export function overlayRenderInput(
  sources: readonly OverlaySource[], width: number, height: number, mask: Uint8Array | null, mode: ScaleMode, cmap: ColormapName,
  prev?: OverlayValues | null,
): { input: RenderInput; values: OverlayValues } {
  const n = width * height;
  const ov = overlayValues(sources.map((s) => s.image), n, mask, mode, prev);
  const channels: ChannelValues[] = ov.values.map((values, k) => {
    const s = sources[k];
    // hist: the range in intensity units becomes rank units (renderInput does it; linear/log pass through)
    const r = mode === 'hist' ? renderInput(s.image, width, height, mask, mode, s.range, cmap, false, values) : { vmin: s.range.min, vmax: s.range.max };
    return { values, vmin: r.vmin, vmax: r.vmax, color: s.color };
  });
  const overlay: OverlayInput = { channels, packed: ov.packed };
  const first = channels[0]?.values ?? new Float32Array(n);
  const input: RenderInput = { width, height, values: first, vmin: 0, vmax: 1, log: mode === 'log' || mode === 'log-full', lut: colormapLut(cmap, false), overlay };
  return { input, values: ov };
}

/** An overlay channel as the page holds it: the ion's (raw) image, its colour and the user's range (null = default). */
export interface OverlayChannel {
  id: string;
  label: string;
  image: Float32Array;
  color: readonly [number, number, number];
  range: { min: number; max: number } | null;
  /** For the exported PNG's caption, e.g. "MSM 0.912, FDR 5 %". */
  detail?: string;
}
