// Builds the renderer input for an ion image: texture values (raw intensities, or equalized ranks for
// 'hist'), off-sample pixels marked negative, and the LUT of the chosen colormap.
import { colormapLut, type ColormapName } from '../../core/view/colormap.ts';
import { histEqualizer, type ScaleMode } from '../../core/view/scale.ts';
import type { RenderInput } from './renderer.ts';

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
