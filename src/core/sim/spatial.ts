// Smooth spatial distributions of planted ions: Gaussian blobs, clusters of blobs, linear gradients and rings,
// of different sizes. Parameters live in one flat Float64Array (STRIDE per ion) and are evaluated per pixel on
// the fly, so a 250k-pixel dataset never holds one image per ion.
import type { Rng } from './rng.ts';

export type PatternKind = 'blob' | 'blobs' | 'gradient' | 'ring';
export const PATTERN_KINDS: readonly PatternKind[] = ['blob', 'blobs', 'gradient', 'ring'];
export const STRIDE = 10;
/** Values below this fraction of the ion's maximum count as "ion absent" (keeps images structured, spectra sparse). */
export const PRESENCE_THRESHOLD = 0.03;

export interface PatternSet {
  n: number;
  kind: Uint8Array;
  params: Float64Array;
}

/**
 * Draws one pattern into slot `i`. Centres are picked among tissue pixels (`tissue` = their row-major indices)
 * so that every ion shows up somewhere on the tissue; sizes are relative to the smaller image side.
 */
export function drawPattern(set: PatternSet, i: number, rng: Rng, width: number, height: number, tissue: Uint32Array): void {
  const kind = rng.int(PATTERN_KINDS.length);
  set.kind[i] = kind;
  const p = set.params;
  const o = i * STRIDE;
  const side = Math.min(width, height);
  const centre = (k: number) => {
    const t = tissue[rng.int(tissue.length)]!;
    p[o + k] = (t % width) + 0.5;
    p[o + k + 1] = Math.floor(t / width) + 0.5;
  };
  switch (PATTERN_KINDS[kind]) {
    case 'blob':
      centre(0);
      p[o + 2] = side * rng.logUniform(0.05, 0.35);
      break;
    case 'blobs':
      for (let b = 0; b < 3; b++) {
        centre(b * 3);
        p[o + b * 3 + 2] = side * rng.logUniform(0.03, 0.12);
      }
      p[o + 9] = rng.uniform(0.3, 1); // weight of blobs 2 and 3 relative to blob 1
      break;
    case 'gradient': {
      centre(0);
      const a = rng.uniform(0, 2 * Math.PI);
      p[o + 2] = Math.cos(a);
      p[o + 3] = Math.sin(a);
      p[o + 4] = Math.max(width, height) * rng.uniform(0.5, 1); // ramp length: 0.5 at the origin, 0..1 over one length
      break;
    }
    case 'ring':
      centre(0);
      p[o + 2] = side * rng.uniform(0.12, 0.35); // radius
      p[o + 3] = side * rng.uniform(0.03, 0.08); // width (sd)
      break;
  }
}

/** Relative abundance (0..1) of ion i at pixel centre (px, py). */
export function evalPattern(set: PatternSet, i: number, px: number, py: number): number {
  const p = set.params;
  const o = i * STRIDE;
  switch (set.kind[i]) {
    case 0: {
      const dx = px - p[o]!, dy = py - p[o + 1]!, s = p[o + 2]!;
      return Math.exp(-(dx * dx + dy * dy) / (2 * s * s));
    }
    case 1: {
      let v = 0;
      for (let b = 0; b < 3; b++) {
        const q = o + b * 3;
        const dx = px - p[q]!, dy = py - p[q + 1]!, s = p[q + 2]!;
        v += (b === 0 ? 1 : p[o + 9]!) * Math.exp(-(dx * dx + dy * dy) / (2 * s * s));
      }
      return v > 1 ? 1 : v;
    }
    case 2: {
      const t = 0.5 + ((px - p[o]!) * p[o + 2]! + (py - p[o + 1]!) * p[o + 3]!) / p[o + 4]!;
      if (t <= 0) return 0;
      if (t >= 1) return 1;
      return t * t * (3 - 2 * t); // smoothstep: no kink at either end
    }
    case 3: {
      const dx = px - p[o]!, dy = py - p[o + 1]!;
      const d = Math.sqrt(dx * dx + dy * dy) - p[o + 2]!;
      const w = p[o + 3]!;
      return Math.exp(-(d * d) / (2 * w * w));
    }
    default:
      return 0;
  }
}

/** Parameters as text for the ground-truth CSV (pixel units, 1 decimal). */
export function describePattern(set: PatternSet, i: number): string {
  const p = set.params;
  const o = i * STRIDE;
  const f = (k: number) => p[o + k]!.toFixed(1);
  switch (PATTERN_KINDS[set.kind[i]!]) {
    case 'blob': return `centre=${f(0)};${f(1)} sd=${f(2)}`;
    case 'blobs': return `centres=${f(0)};${f(1)}|${f(3)};${f(4)}|${f(6)};${f(7)} sd=${f(2)}|${f(5)}|${f(8)} w2=${p[o + 9]!.toFixed(2)}`;
    case 'gradient': return `origin=${f(0)};${f(1)} dir=${p[o + 2]!.toFixed(3)};${p[o + 3]!.toFixed(3)} length=${f(4)}`;
    case 'ring': return `centre=${f(0)};${f(1)} radius=${f(2)} width=${f(3)}`;
    default: return '';
  }
}
