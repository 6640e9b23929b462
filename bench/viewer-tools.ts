// CPU cost (process.cpuUsage, not wall time: the machine is shared) of the JavaScript the page runs on the viewer
// tools' interactions, at the bench's grid size (472×472, a round tissue mask): TIC toggle (main image + 4 isotope
// thumbnails: normalise, hot-spot range, texture values, thumbnail colours), lock (only the range changes: nothing
// recomputed but the render input), overlay (4 channels' texture values packed; a range change reuses them).
// The GPU upload and draw are not in it (measured in the page by tests/e2e/viewer-display.spec.ts).
// Run: npx tsx bench/viewer-tools.ts
import { overlayRenderInput, renderInput, textureValues } from '../src/app/viewer/display.ts';
import { colorize } from '../src/app/viewer/canvas-renderer.ts';
import { ticNormalize } from '../src/core/view/normalize.ts';
import { defaultRange } from '../src/core/view/scale.ts';
import { CHANNEL_COLORS } from '../src/core/view/overlay.ts';

const W = 472;
const H = 472;
const n = W * H;
const mask = new Uint8Array(n);
const tic = new Float32Array(n);
const imgs = [0, 1, 2, 3].map(() => new Float32Array(n));
let seed = 3;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
for (let i = 0; i < n; i++) {
  const x = i % W;
  const y = (i / W) | 0;
  mask[i] = (x - W / 2) ** 2 + (y - H / 2) ** 2 < (0.45 * W) ** 2 ? 1 : 0;
  tic[i] = mask[i] ? Math.fround(1e5 * (0.5 + rnd())) : 0;
  for (const img of imgs) img[i] = mask[i] && rnd() < 0.7 ? Math.fround(rnd() * 1e4) : 0;
}

function cpuMs(f: () => void, reps = 5): number[] {
  const out: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t = process.cpuUsage();
    f();
    const d = process.cpuUsage(t);
    out.push((d.user + d.system) / 1000);
  }
  return out;
}

const ticToggle = () => {
  // main image
  const main = ticNormalize(imgs[0], tic);
  const r = defaultRange(main, mask, 'linear');
  renderInput(main, W, H, mask, 'linear', r, 'viridis', false, textureValues(main, mask, 'linear'));
  // 4 thumbnails
  for (const img of imgs) {
    const t = ticNormalize(img, tic);
    const tr = defaultRange(t, mask, 'linear');
    colorize(renderInput(t, W, H, mask, 'linear', { min: tr.min, max: tr.max || 1 }, 'viridis', false));
  }
};
const lock = () => { renderInput(imgs[0], W, H, mask, 'linear', { min: 0, max: 5000 }, 'viridis', false, textureValues(imgs[0], mask, 'linear')); };
const sources = imgs.map((image, k) => ({ image, range: { min: 0, max: 9000 }, color: CHANNEL_COLORS[k] }));
const overlayFirst = () => {
  for (const img of imgs) defaultRange(img, mask, 'linear'); // the legend's default ranges
  overlayRenderInput(sources, W, H, mask, 'linear', 'viridis', null);
};
const prev = overlayRenderInput(sources, W, H, mask, 'linear', 'viridis', null).values;
const overlayRange = () => { overlayRenderInput(sources.map((s, k) => (k ? s : { ...s, range: { min: 0, max: 3000 } })), W, H, mask, 'linear', 'viridis', prev); };
const overlayCanvas = () => { colorize(overlayRenderInput(sources, W, H, mask, 'linear', 'viridis', prev).input); };

const med = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1];
const res = {
  'tic toggle (main + 4 thumbnails)': cpuMs(ticToggle),
  'lock (render input only)': cpuMs(lock),
  'overlay shown (4 channels, ranges + packing)': cpuMs(overlayFirst),
  'overlay range change (WebGL: uniforms; values reused)': cpuMs(overlayRange),
  'overlay colours on the CPU (Canvas2D / PNG)': cpuMs(overlayCanvas),
};
for (const [k, v] of Object.entries(res)) console.log(`${k.padEnd(56)} median ${med(v).toFixed(1)} ms CPU  (${v.map((x) => x.toFixed(1)).join(', ')})`);
