// TIC normalisation of ion images, as METASPACE's web app does it (lib/ionImageRendering.ts, TIC_MULTIPLIER):
// each pixel's intensity ÷ that pixel's total ion count × 10⁶. A pixel whose TIC is 0 or not a number (no
// spectrum, or an empty one) gets 0 there too, not Infinity/NaN. Applied before the scale's hot-spot clipping.

/** METASPACE's multiplier: normalised values read as "parts per million of the pixel's TIC". */
export const TIC_MULTIPLIER = 1e6;

/** intensity[i] / tic[i] × 10⁶ per pixel (0 where the TIC is not positive); `out` may be reused. */
export function ticNormalize(image: Float32Array, tic: Float32Array, out: Float32Array = new Float32Array(image.length)): Float32Array {
  if (tic.length !== image.length) throw new Error(`TIC image has ${tic.length} pixels, the ion image ${image.length}`);
  for (let i = 0; i < image.length; i++) {
    const t = tic[i];
    out[i] = t > 0 && Number.isFinite(t) ? (image[i] / t) * TIC_MULTIPLIER : 0;
  }
  return out;
}

/** Units text for the colour bar, readout and PNG caption. */
export function intensityUnits(norm: boolean): string {
  return norm ? 'TIC-normalised intensity (÷ pixel TIC × 10⁶)' : 'intensity (a.u.)';
}
