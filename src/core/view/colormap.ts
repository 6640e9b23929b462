// 256-entry RGBA colour lookup tables for ion images (viridis default, as METASPACE). The same LUT is
// uploaded to the GPU (256×1 texture) and used by the Canvas2D fallback and the PNG export.
import {
  interpolateCividis,
  interpolateGreys,
  interpolateInferno,
  interpolateMagma,
  interpolateTurbo,
  interpolateViridis,
} from 'd3-scale-chromatic';

export type ColormapName = 'viridis' | 'cividis' | 'inferno' | 'magma' | 'hot' | 'greys' | 'turbo';
export const COLORMAPS: readonly ColormapName[] = ['viridis', 'cividis', 'inferno', 'magma', 'hot', 'greys', 'turbo'];

/** Parses the colour strings d3 interpolators return ('#rrggbb' or 'rgb(r, g, b)'). */
export function parseColor(s: string): [number, number, number] {
  if (s.startsWith('#') && s.length === 7) {
    return [parseInt(s.slice(1, 3), 16), parseInt(s.slice(3, 5), 16), parseInt(s.slice(5, 7), 16)];
  }
  const m = /^rgb\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*\)$/.exec(s);
  if (!m) throw new Error(`cannot parse colour '${s}' (expected #rrggbb or rgb(r, g, b))`);
  return [Math.round(+m[1]), Math.round(+m[2]), Math.round(+m[3])];
}

/** matplotlib's 'hot': black → red → yellow → white (red ramps first, then green, then blue). */
function hot(t: number): [number, number, number] {
  const ramp = (a: number, b: number) => Math.round(255 * Math.min(1, Math.max(0, (t - a) / (b - a))));
  return [ramp(0, 0.365079), ramp(0.365079, 0.746032), ramp(0.746032, 1)];
}

function interpolator(name: ColormapName): (t: number) => [number, number, number] {
  switch (name) {
    case 'viridis': return (t) => parseColor(interpolateViridis(t));
    case 'cividis': return (t) => parseColor(interpolateCividis(t));
    case 'inferno': return (t) => parseColor(interpolateInferno(t));
    case 'magma': return (t) => parseColor(interpolateMagma(t));
    case 'turbo': return (t) => parseColor(interpolateTurbo(t));
    // d3's Greys runs white→black; for ion images intense must be bright (as METASPACE's Greys)
    case 'greys': return (t) => parseColor(interpolateGreys(1 - t));
    case 'hot': return hot;
    default: throw new Error(`unknown colormap '${name as string}' (known: ${COLORMAPS.join(', ')})`);
  }
}

export function isColormap(name: string): name is ColormapName {
  return (COLORMAPS as readonly string[]).includes(name);
}

const cache = new Map<string, Uint8Array<ArrayBuffer>>();

/** RGBA LUT, 256 × 4 bytes, alpha 255. Entry k is the colour of display value k/255. */
export function colormapLut(name: ColormapName, inverted = false): Uint8Array<ArrayBuffer> {
  const key = `${name}${inverted ? '-r' : ''}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const f = interpolator(name);
  const lut = new Uint8Array(256 * 4);
  for (let k = 0; k < 256; k++) {
    const t = inverted ? 1 - k / 255 : k / 255;
    const [r, g, b] = f(t);
    lut[k * 4] = r;
    lut[k * 4 + 1] = g;
    lut[k * 4 + 2] = b;
    lut[k * 4 + 3] = 255;
  }
  cache.set(key, lut);
  return lut;
}

/**
 * Colours display values (0..1, NaN = off-sample) into RGBA pixels through a LUT; NaN → transparent.
 * Used by the Canvas2D renderer and PNG export.
 */
export function applyLut(display: Float32Array, lut: Uint8Array, out = new Uint8ClampedArray(display.length * 4)): Uint8ClampedArray<ArrayBuffer> {
  for (let i = 0; i < display.length; i++) {
    const t = display[i];
    const o = i * 4;
    if (t !== t) {
      out[o] = out[o + 1] = out[o + 2] = out[o + 3] = 0;
      continue;
    }
    const k = (t <= 0 ? 0 : t >= 1 ? 255 : Math.round(t * 255)) * 4;
    out[o] = lut[k];
    out[o + 1] = lut[k + 1];
    out[o + 2] = lut[k + 2];
    out[o + 3] = 255;
  }
  return out as Uint8ClampedArray<ArrayBuffer>;
}
