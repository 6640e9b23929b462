// Multi-ion overlay: up to 4 ion images as additive colour channels (METASPACE's multi-channel viewer adds the
// channels' colours). Each channel maps its value to t ∈ [0, 1] through its own range (linear or log, as the
// single-ion LUT shader does), contributes t × its colour, and the sum is clipped at white. This is the CPU
// version the Canvas2D renderer, thumbnails and the PNG export use; deck-renderer.ts does the same in a shader.

export const MAX_CHANNELS = 4;

/** Default channel colours, in the order channels are added (sRGB 0–255). */
export const CHANNEL_COLORS: readonly (readonly [number, number, number])[] = [
  [255, 0, 0], [0, 255, 0], [0, 96, 255], [255, 255, 0],
];

export interface ChannelValues {
  /** Display values per pixel (raw intensities, or ranks for 'hist'); negative = off-sample. */
  values: Float32Array;
  vmin: number;
  vmax: number;
  color: readonly [number, number, number];
}

/** The shader's value → [0, 1] mapping (see deck-renderer.ts). */
export function channelT(v: number, vmin: number, vmax: number, log: boolean): number {
  let t: number;
  if (log) {
    const lo = Math.log(Math.max(vmin, 1e-30));
    const hi = Math.log(Math.max(vmax, 1e-30));
    t = v > 0 ? (Math.log(v) - lo) / Math.max(hi - lo, 1e-30) : 0;
  } else {
    t = (v - vmin) / Math.max(vmax - vmin, 1e-30);
  }
  return t < 0 ? 0 : t > 1 ? 1 : t;
}

/**
 * RGBA of the additive overlay: a pixel off-sample in the first channel is transparent, every other pixel
 * opaque (black where no channel has signal).
 */
export function overlayRgba(channels: readonly ChannelValues[], n: number, log: boolean): Uint8ClampedArray<ArrayBuffer> {
  const out = new Uint8ClampedArray(n * 4);
  const acc = new Float32Array(n * 3);
  for (const ch of channels) {
    const [r, g, b] = ch.color;
    for (let i = 0; i < n; i++) {
      const v = ch.values[i];
      if (v < 0) continue;
      const t = channelT(v, ch.vmin, ch.vmax, log);
      acc[3 * i] += t * r;
      acc[3 * i + 1] += t * g;
      acc[3 * i + 2] += t * b;
    }
  }
  const first = channels[0]?.values;
  for (let i = 0; i < n; i++) {
    if (!first || first[i] < 0) continue; // transparent
    out[4 * i] = Math.round(Math.min(255, acc[3 * i]));
    out[4 * i + 1] = Math.round(Math.min(255, acc[3 * i + 1]));
    out[4 * i + 2] = Math.round(Math.min(255, acc[3 * i + 2]));
    out[4 * i + 3] = 255;
  }
  return out;
}

/** Channel colour as #rrggbb (for <input type=color> and legends). */
export function colorHex(c: readonly [number, number, number]): string {
  return `#${c.map((x) => Math.round(x).toString(16).padStart(2, '0')).join('')}`;
}

/** #rrggbb → [r, g, b]; null when malformed. */
export function parseHex(s: string): [number, number, number] | null {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(s.trim());
  return m ? [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16)] : null;
}
