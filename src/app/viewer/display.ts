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

/**
 * Renderer input of a multi-ion overlay: each channel scaled like a single image (same scale mode, own range),
 * packed 4 values per pixel (unused channels 0; off-sample pixels -1 in every channel).
 */
export function overlayRenderInput(
  sources: readonly OverlaySource[], width: number, height: number, mask: Uint8Array | null, mode: ScaleMode, cmap: ColormapName,
): RenderInput {
  const n = width * height;
  const channels: ChannelValues[] = sources.slice(0, MAX_CHANNELS).map((s) => {
    const r = renderInput(s.image, width, height, mask, mode, s.range, cmap, false);
    return { values: r.values, vmin: r.vmin, vmax: r.vmax, color: s.color };
  });
  const packed = new Float32Array(n * 4);
  channels.forEach((c, k) => { for (let i = 0; i < n; i++) packed[4 * i + k] = c.values[i]; });
  if (mask) for (let i = 0; i < n; i++) if (!mask[i]) packed.fill(-1, 4 * i, 4 * i + 4);
  const overlay: OverlayInput = { channels, packed };
  const first = channels[0]?.values ?? new Float32Array(n);
  return { width, height, values: first, vmin: 0, vmax: 1, log: mode === 'log' || mode === 'log-full', lut: colormapLut(cmap, false), overlay };
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
