// The renderers' value → colour mapping (shader formula, mirrored on the CPU by colorize) must agree with
// the pure scaling of core/view/scale.ts, so WebGL, Canvas2D and PNG export show the same colours.
import { describe, expect, it } from 'vitest';
import { colorize } from '../../src/app/viewer/canvas-renderer.ts';
import { renderInput, textureValues } from '../../src/app/viewer/display.ts';
import { applyLut, colormapLut } from '../../src/core/view/colormap.ts';
import { defaultRange, toDisplay, type ScaleMode } from '../../src/core/view/scale.ts';

const W = 7;
const H = 5;
const img = new Float32Array(W * H);
for (let i = 0; i < img.length; i++) img[i] = i % 6 === 0 ? 0 : Math.fround(1.5 ** (i % 17) + i);
img[3] = 1e6; // hot spot
const mask = new Uint8Array(W * H).fill(1);
mask[0] = 0;
mask[8] = 0;

describe('renderer input vs core scaling', () => {
  for (const mode of ['linear', 'linear-full', 'log', 'log-full', 'hist'] as ScaleMode[]) {
    it(`${mode}: colorize(renderInput) equals applyLut(toDisplay)`, () => {
      const range = defaultRange(img, mask, mode);
      const input = renderInput(img, W, H, mask, mode, range, 'viridis', false);
      const gpuLike = colorize(input);
      const core = applyLut(toDisplay(img, mask, mode, range), colormapLut('viridis'));
      let maxDiff = 0;
      for (let k = 0; k < core.length; k++) maxDiff = Math.max(maxDiff, Math.abs(core[k] - gpuLike[k]));
      // one LUT step of rounding slack (float32 vs float64 at the step edges)
      expect(maxDiff).toBeLessThanOrEqual(12);
      // off-sample pixels are transparent in both
      expect(gpuLike[3]).toBe(0);
      expect(gpuLike[8 * 4 + 3]).toBe(0);
    });
  }
  it('textureValues marks off-sample negative and keeps raw floats', () => {
    const t = textureValues(img, mask, 'linear');
    expect(t[0]).toBeLessThan(0);
    expect(t[3]).toBe(img[3]);
    expect(t[6]).toBe(0);
  });
});
