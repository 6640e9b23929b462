// TIC normalisation, lock across normalisations, scale bar and the additive overlay: hand-checkable cases.
import { describe, expect, it } from 'vitest';
import { lockFor } from '../../src/core/view/lock.ts';
import { intensityUnits, ticNormalize, TIC_MULTIPLIER } from '../../src/core/view/normalize.ts';
import { channelT, colorHex, overlayRgba, parseHex } from '../../src/core/view/overlay.ts';
import { defaultRange } from '../../src/core/view/scale.ts';
import { nice125, scaleBar } from '../../src/core/view/scale-bar.ts';
import { decodeView, DEFAULT_VIEW, encodeView } from '../../src/core/view/url-state.ts';

describe('ticNormalize', () => {
  it('divides by the pixel TIC and multiplies by 10^6; TIC 0 / NaN pixels give 0 (METASPACE)', () => {
    const img = new Float32Array([10, 5, 7, 3, 0]);
    const tic = new Float32Array([1000, 2e6, 0, NaN, 50]);
    const out = ticNormalize(img, tic);
    expect(TIC_MULTIPLIER).toBe(1e6);
    expect(Array.from(out)).toEqual([10_000, 2.5, 0, 0, 0]);
  });
  it('is applied before hot-spot clipping: the 99th percentile is taken over normalised values', () => {
    // raw image flat at 100 except one hot pixel; TIC halves in the right half → normalised values differ by 2×
    const n = 200;
    const img = new Float32Array(n).fill(100);
    const tic = new Float32Array(n).map((_, i) => (i < 100 ? 1e6 : 5e5));
    const raw = defaultRange(img, null, 'linear');
    const norm = defaultRange(ticNormalize(img, tic), null, 'linear');
    expect(raw.max).toBe(100);
    expect(norm.dataMax).toBe(200);
    expect(norm.max).toBe(200);
  });
  it('rejects a TIC image of another size', () => {
    expect(() => ticNormalize(new Float32Array(3), new Float32Array(4))).toThrow(/TIC image has 4 pixels/);
  });
  it('names its units', () => {
    expect(intensityUnits(true)).toMatch(/TIC-normalised/);
    expect(intensityUnits(false)).not.toMatch(/TIC/);
  });
});

describe('lockFor', () => {
  const auto = { min: 0, max: 42 };
  it('keeps a lock in the current units and nothing when unlocked', () => {
    expect(lockFor(null, true, auto)).toBeNull();
    const l = { min: 1, max: 9, tic: false };
    expect(lockFor(l, false, auto)).toBe(l);
  });
  it('switching normalisation while locked re-locks at the image range in the new units, and restores the old range on switching back', () => {
    const raw = { min: 1, max: 9 };
    const tic = lockFor(raw, true, auto)!;
    expect(tic).toMatchObject({ min: 0, max: 42, tic: true, other: { min: 1, max: 9, tic: false } });
    const back = lockFor(tic, false, { min: 0, max: 7 })!;
    expect(back).toMatchObject({ min: 1, max: 9, tic: false, other: { min: 0, max: 42, tic: true } });
  });
});

describe('scaleBar', () => {
  it('picks 1-2-5 lengths', () => {
    expect([0.7, 1, 1.9, 2, 4.99, 5, 9.9, 10, 37, 150, 0.03].map(nice125)).toEqual([0.5, 1, 1, 2, 2, 5, 5, 10, 20, 100, 0.02]);
  });
  it('is pixel size × zoom: 10 µm pixels drawn 4 px wide, room 120 px (300 µm) → 200 µm = 80 px', () => {
    const b = scaleBar(10, 4, 120)!;
    expect(b).toEqual({ px: 80, label: '200 µm', physical: true });
  });
  it('switches to mm and follows the zoom', () => {
    expect(scaleBar(50, 1, 120)).toEqual({ px: 100, label: '5 mm', physical: true });
    expect(scaleBar(50, 8, 120)).toEqual({ px: 80, label: '500 µm', physical: true });
  });
  it('counts pixels when the file has no pixel size', () => {
    expect(scaleBar(null, 6, 120)).toEqual({ px: 120, label: '20 px', physical: false });
    expect(scaleBar(0, 3, 120)).toEqual({ px: 60, label: '20 px', physical: false });
    expect(scaleBar(10, 0)).toBeNull();
  });
});

describe('overlayRgba', () => {
  const off = -1;
  it('adds the channels colours by their scaled values; off-sample is transparent', () => {
    const a = { values: new Float32Array([10, 0, 10, off]), vmin: 0, vmax: 10, color: [255, 0, 0] as const };
    const b = { values: new Float32Array([0, 5, 10, off]), vmin: 0, vmax: 10, color: [0, 255, 0] as const };
    const px = Array.from(overlayRgba([a, b], 4, false));
    expect(px.slice(0, 4)).toEqual([255, 0, 0, 255]); // only A
    expect(px.slice(4, 8)).toEqual([0, 128, 0, 255]); // half B (127.5 rounds up)
    expect(px.slice(8, 12)).toEqual([255, 255, 0, 255]); // both → yellow
    expect(px.slice(12, 16)).toEqual([0, 0, 0, 0]);
  });
  it('clips the sum at white and each channel at its range', () => {
    const c = (v: number, color: [number, number, number]) => ({ values: new Float32Array([v]), vmin: 0, vmax: 1, color });
    expect(Array.from(overlayRgba([c(5, [200, 200, 0]), c(1, [200, 0, 200])], 1, false))).toEqual([255, 200, 200, 255]);
  });
  it('log mapping matches the single-ion shader', () => {
    expect(channelT(10, 1, 100, true)).toBeCloseTo(0.5, 12);
    expect(channelT(0, 1, 100, true)).toBe(0);
  });
  it('hex round trip', () => {
    expect(colorHex([255, 0, 16])).toBe('#ff0010');
    expect(parseHex('#FF0010')).toEqual([255, 0, 16]);
    expect(parseHex('red')).toBeNull();
  });
});

describe('view URL: TIC normalisation', () => {
  it('is written as norm=tic only when on, and read back (also METASPACE\'s norm=true)', () => {
    expect(encodeView(DEFAULT_VIEW)).not.toMatch(/norm/);
    const q = encodeView({ ...DEFAULT_VIEW, norm: true });
    expect(q).toBe('norm=tic');
    expect(decodeView(q).norm).toBe(true);
    expect(decodeView('norm=true').norm).toBe(true);
    expect(decodeView('norm=rms').norm).toBe(false);
    expect(decodeView('').norm).toBe(false);
  });
});

describe('quantileUnsorted (selection) = quantileSorted (sort)', () => {
  it('gives the same number on random data with ties, for the qs the scales use', async () => {
    const { quantileSorted, quantileUnsorted } = await import('../../src/core/view/scale.ts');
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (const n of [1, 2, 3, 10, 101, 1000, 54321]) {
      const a = new Float32Array(n).map(() => Math.fround(rnd() < 0.2 ? 5 : rnd() * 1000));
      const sorted = a.slice().sort();
      for (const q of [0, 0.01, 0.5, 0.99, 1]) expect(quantileUnsorted(a.slice(), q)).toBe(quantileSorted(sorted, q));
    }
    expect(quantileUnsorted(new Float32Array(0), 0.5)).toBeNaN();
  });
});
