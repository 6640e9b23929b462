// Harness for the viewer's display tools (issue 14: TIC normalisation, lock, scale bar, overlay, PNG export): mounts
// ViewerHarness on images given as plain numbers, and times an update until the renderer has drawn it.
import { mount, unmount } from 'svelte';
import ViewerHarness from './ViewerHarness.svelte';
import { CHANNEL_COLORS } from '../../../src/core/view/overlay.ts';
import { ticNormalize } from '../../../src/core/view/normalize.ts';
import { defaultRange } from '../../../src/core/view/scale.ts';
import { renderInput } from '../../../src/app/viewer/display.ts';
import { colorize } from '../../../src/app/viewer/canvas-renderer.ts';

type Harness = { setImage(i: Float32Array): void; setNorm(on: boolean): void; setLock(r: { min: number; max: number } | null): void;
  getLock(): unknown; setChannels(c: unknown): void; png(): HTMLCanvasElement | null };
let current: (ReturnType<typeof mount> & Harness) | null = null;

function host(): HTMLElement {
  let h = document.getElementById('viewer-host');
  if (!h) {
    h = document.createElement('div');
    h.id = 'viewer-host';
    h.style.cssText = 'width:640px;height:600px;border:0;margin:0;padding:0;display:flex;flex-direction:column';
    document.body.prepend(h);
  }
  return h;
}

/** Resolves with the ms from `act()` until the viewer's data-rendered counter moves (its renderer's rendered()). */
function timeUntilRendered(act: () => void): Promise<number> {
  const el = document.querySelector('[data-testid=ion-viewer]') as HTMLElement;
  const before = el.dataset.rendered;
  return new Promise((resolve) => {
    const t0 = performance.now();
    const mo = new MutationObserver(() => {
      if (el.dataset.rendered !== before) { mo.disconnect(); resolve(performance.now() - t0); }
    });
    mo.observe(el, { attributes: true, attributeFilter: ['data-rendered'] });
    act();
  });
}

export const api = {
  showViewer(spec: { width: number; height: number; image: number[]; mask?: number[]; tic?: number[]; pixelSize?: number | null }) {
    if (current) unmount(current);
    current = mount(ViewerHarness, {
      target: host(),
      props: { spec: {
        width: spec.width, height: spec.height, image: new Float32Array(spec.image), mask: spec.mask ? new Uint8Array(spec.mask) : null,
        tic: spec.tic ? new Float32Array(spec.tic) : null, pixelSize: spec.pixelSize ?? null,
      } },
    }) as typeof current;
    return true;
  },
  /** A synthetic big view (bench size): image, TIC and 4 channel images generated here, not sent from the test. */
  showBigViewer(width: number, height: number) {
    const n = width * height;
    const img = new Float32Array(n);
    const tic = new Float32Array(n);
    const mask = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const x = i % width;
      const y = (i / width) | 0;
      mask[i] = (x - width / 2) ** 2 + (y - height / 2) ** 2 < (0.45 * Math.min(width, height)) ** 2 ? 1 : 0;
      img[i] = Math.fround(100 + 50 * Math.sin(x / 17) * Math.cos(y / 23) + (i % 97));
      tic[i] = Math.fround(1e5 + 3e4 * Math.sin(x / 40 + y / 31));
    }
    // big arrays are made here, not sent through JSON
    if (current) unmount(current);
    current = mount(ViewerHarness, { target: host(), props: { spec: { width, height, image: img, mask, tic, pixelSize: 20 } } }) as typeof current;
    (window as unknown as { bigSpec: unknown }).bigSpec = { width, height, tic, mask };
    (window as unknown as { bigChannels: unknown }).bigChannels = [0, 1, 2, 3].map((k) => ({
      id: `c${k}`, label: `ion ${k}`, color: CHANNEL_COLORS[k], range: null,
      image: img.map((v, i) => (((i % width) >> 5) % 4 === k ? v : 0)),
    }));
    return true;
  },
  setImage(values: number[]) { current!.setImage(new Float32Array(values)); return true; },
  setNorm(on: boolean) { current!.setNorm(on); return true; },
  setLock(r: { min: number; max: number } | null) { current!.setLock(r); return true; },
  getLock() { return current!.getLock(); },
  /** Overlay channels from plain numbers: [{ id, label, image, color }]. */
  setChannels(chs: { id: string; label: string; image: number[]; color: [number, number, number] }[] | null) {
    current!.setChannels(chs ? chs.map((c) => ({ ...c, image: new Float32Array(c.image), range: null })) : null);
    return true;
  },
  /** PNG of the current view (what the PNG button downloads), as a data URL with its size. */
  pngDataUrl() {
    const c = current!.png();
    return c ? { width: c.width, height: c.height, url: c.toDataURL('image/png') } : null;
  },
  /**
   * CPU ms of what the page's isotope thumbnails redo on a TIC toggle (state/viewer.svelte.ts thumbs() + Thumb's
   * colorize), for the 4 big channel images: normalise, default range, texture values, colours.
   */
  timeThumbs(norm: boolean) {
    const w = window as unknown as { bigChannels: { image: Float32Array }[]; bigSpec: { width: number; height: number; tic: Float32Array; mask: Uint8Array } };
    const { width, height, tic, mask } = w.bigSpec;
    const t0 = performance.now();
    for (const c of w.bigChannels) {
      const img = norm ? ticNormalize(c.image, tic) : c.image;
      const r = defaultRange(img, mask, 'linear');
      colorize(renderInput(img, width, height, mask, 'linear', { min: r.min, max: r.max || 1 }, 'viridis', false));
    }
    return performance.now() - t0;
  },
  /** ms until drawn after: 'tic' toggles TIC, 'lock' sets a lock range, 'overlay' shows the 4 big channels, 'range' moves a channel range. */
  async timeAction(what: 'tic-on' | 'tic-off' | 'lock' | 'overlay' | 'overlay-range' | 'overlay-off') {
    const h = current!;
    const w = window as unknown as { bigChannels: { id: string; range: unknown }[] };
    const act = {
      'tic-on': () => h.setNorm(true),
      'tic-off': () => h.setNorm(false),
      lock: () => h.setLock({ min: 10, max: 200 }),
      overlay: () => h.setChannels(w.bigChannels),
      'overlay-range': () => h.setChannels(w.bigChannels.map((c, k) => (k === 0 ? { ...c, range: { min: 0, max: 120 } } : c))),
      'overlay-off': () => h.setChannels(null),
    }[what];
    return timeUntilRendered(act);
  },
};
