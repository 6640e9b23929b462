// Irregular tissue mask for simulated datasets: one or more overlapping "wobbly" ellipses (radius modulated by
// a few low harmonics of the polar angle, like a tissue section's outline) minus an occasional tear, always
// leaving an off-tissue margin so the sample area is not the full bounding box.
import { Rng } from './rng.ts';

export interface TissueMask {
  width: number;
  height: number;
  /** Row-major h*w, 1 = tissue. */
  mask: Uint8Array;
  nTissue: number;
}

interface Lobe {
  cx: number;
  cy: number;
  rx: number;
  ry: number;
  rot: number;
  amp: Float64Array;
  phase: Float64Array;
}

const HARMONICS = 5;

function makeLobe(rng: Rng, w: number, h: number, scale: number): Lobe {
  const amp = new Float64Array(HARMONICS);
  const phase = new Float64Array(HARMONICS);
  for (let k = 2; k < HARMONICS + 2; k++) {
    amp[k - 2] = rng.uniform(0.02, 0.12) / (k - 1);
    phase[k - 2] = rng.uniform(0, 2 * Math.PI);
  }
  return {
    cx: w * rng.uniform(0.38, 0.62),
    cy: h * rng.uniform(0.38, 0.62),
    rx: w * 0.4 * scale * rng.uniform(0.85, 1.05),
    ry: h * 0.4 * scale * rng.uniform(0.85, 1.05),
    rot: rng.uniform(-0.4, 0.4),
    amp,
    phase,
  };
}

function inside(l: Lobe, x: number, y: number): boolean {
  const dx = x - l.cx;
  const dy = y - l.cy;
  const c = Math.cos(l.rot);
  const s = Math.sin(l.rot);
  const u = (dx * c + dy * s) / l.rx;
  const v = (-dx * s + dy * c) / l.ry;
  const r = Math.sqrt(u * u + v * v);
  const t = Math.atan2(v, u);
  let edge = 1;
  for (let k = 0; k < HARMONICS; k++) edge += l.amp[k]! * Math.sin((k + 2) * t + l.phase[k]!);
  return r <= edge;
}

/** A tissue-shaped mask of width × height pixels, deterministic by `seed`. */
export function tissueMask(width: number, height: number, seed: number): TissueMask {
  if (!(Number.isInteger(width) && width >= 1 && Number.isInteger(height) && height >= 1)) {
    throw new RangeError(`tissueMask: width and height must be whole numbers ≥ 1 (got ${width} × ${height})`);
  }
  const rng = new Rng(seed, 0x6d61736b); // 'mask' stream
  const lobes: Lobe[] = [makeLobe(rng, width, height, 1)];
  const extra = rng.int(3); // 0–2 smaller lobes make the outline less ellipse-like
  for (let i = 0; i < extra; i++) lobes.push(makeLobe(rng, width, height, rng.uniform(0.45, 0.7)));
  const tear = rng.next() < 0.5 ? makeLobe(rng, width, height, rng.uniform(0.08, 0.15)) : null;
  const mask = new Uint8Array(width * height);
  let n = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // the outermost pixel ring stays off tissue (tiny grids excepted) so that every mask has a margin
      if (width > 4 && height > 4 && (x === 0 || y === 0 || x === width - 1 || y === height - 1)) continue;
      const px = x + 0.5;
      const py = y + 0.5;
      let on = false;
      for (const l of lobes) if (inside(l, px, py)) { on = true; break; }
      if (on && tear && inside(tear, px, py)) on = false;
      if (on) { mask[y * width + x] = 1; n++; }
    }
  }
  if (n === 0) {
    // degenerate (1–2 px wide) grids: fall back to the centre pixel so there is always some tissue
    mask[Math.floor(height / 2) * width + Math.floor(width / 2)] = 1;
    n = 1;
  }
  return { width, height, mask, nTissue: n };
}
