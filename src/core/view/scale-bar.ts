// Scale bar of an ion image: a round physical length (1-2-5 steps: 1, 2, 5, 10, 20, 50 … µm) from the imzML
// pixel size, as long as fits the room at the current zoom. Without a pixel size in the file it counts pixels
// ("10 px") and says so.

export interface ScaleBar {
  /** Bar length on screen (or in the exported image), in CSS/output pixels. */
  px: number;
  /** e.g. "200 µm", "1 mm", "10 px". */
  label: string;
  /** False when the file states no pixel size (the bar counts image pixels). */
  physical: boolean;
}

/** Largest 1-2-5 number (…, 0.5, 1, 2, 5, 10, …) ≤ x (x > 0). */
export function nice125(x: number): number {
  const p = 10 ** Math.floor(Math.log10(x));
  const m = x / p;
  // guard against 10^k computed as 9.999…
  const step = m >= 5 - 1e-9 ? 5 : m >= 2 - 1e-9 ? 2 : 1;
  return step * p;
}

function fmtLength(um: number): string {
  if (um >= 1000) return `${+(um / 1000).toPrecision(6)} mm`;
  if (um >= 1) return `${+um.toPrecision(6)} µm`;
  return `${+(um * 1000).toPrecision(6)} nm`;
}

/**
 * The bar for an image whose pixels measure `pixelSizeUm` (null/≤0: unknown) and are drawn `screenPerPixel`
 * screen pixels wide; the bar is at most `maxPx` long and, when there is room, at least a fifth of that.
 */
export function scaleBar(pixelSizeUm: number | null | undefined, screenPerPixel: number, maxPx = 120): ScaleBar | null {
  if (!(screenPerPixel > 0) || !(maxPx > 0)) return null;
  const physical = pixelSizeUm != null && pixelSizeUm > 0 && Number.isFinite(pixelSizeUm);
  const unitPerScreenPx = (physical ? pixelSizeUm : 1) / screenPerPixel;
  const length = nice125(maxPx * unitPerScreenPx);
  const px = length / unitPerScreenPx;
  return { px, label: physical ? fmtLength(length) : `${+length.toPrecision(6)} px`, physical };
}
