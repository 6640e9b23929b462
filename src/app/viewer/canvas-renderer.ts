// Canvas2D fallback renderer (no WebGL2): colours on the CPU with the same LUT and
// the same mapping as the shader, draws with nearest-neighbour scaling; wheel zoom and drag pan.
import { applyLut } from '../../core/view/colormap.ts';
import { overlayRgba } from '../../core/view/overlay.ts';
import { ViewListeners, type ClickHandler, type HoverHandler, type IonRenderer, type RenderInput, type ViewListener } from './renderer.ts';

/** CPU version of the shader's value → LUT index mapping (see deck-renderer.ts). */
export function colorize(input: RenderInput): Uint8ClampedArray<ArrayBuffer> {
  const { values, vmin, vmax, log } = input;
  if (input.overlay) return overlayRgba(input.overlay.channels, input.width * input.height, log);
  const t = new Float32Array(values.length);
  const lo = log ? Math.log(Math.max(vmin, 1e-30)) : vmin;
  const hi = log ? Math.log(Math.max(vmax, 1e-30)) : vmax;
  const span = Math.max(hi - lo, 1e-30);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < 0) { t[i] = NaN; continue; }
    const x = log ? (v > 0 ? (Math.log(v) - lo) / span : 0) : (v - lo) / span;
    t[i] = x < 0 ? 0 : x > 1 ? 1 : x;
  }
  return applyLut(t, input.lut);
}

export class CanvasRenderer implements IonRenderer {
  readonly kind = 'canvas' as const;
  private canvas: HTMLCanvasElement;
  private ctx: CanvasRenderingContext2D;
  private bitmap: HTMLCanvasElement = document.createElement('canvas');
  private input: RenderInput | null = null;
  private scale = 1;
  private offX = 0;
  private offY = 0;
  private drag: { x: number; y: number; ox: number; oy: number } | null = null;
  private ro: ResizeObserver;
  /** The view follows the container's size until the user pans or zooms. */
  private autoFit = true;
  private cleanup: (() => void)[] = [];
  private views = new ViewListeners();

  constructor(private parent: HTMLDivElement, private onHover: HoverHandler, private onClick?: ClickHandler) {
    this.canvas = document.createElement('canvas');
    this.canvas.style.cssText = 'width:100%;height:100%;display:block;cursor:crosshair';
    parent.appendChild(this.canvas);
    this.ctx = this.canvas.getContext('2d')!;
    const on = <K extends keyof HTMLElementEventMap>(t: K, f: (e: HTMLElementEventMap[K]) => void, o?: AddEventListenerOptions) => {
      this.canvas.addEventListener(t, f, o);
      this.cleanup.push(() => this.canvas.removeEventListener(t, f));
    };
    on('wheel', (e) => {
      e.preventDefault();
      const [sx, sy] = this.local(e);
      const k = Math.exp(-e.deltaY * 0.002);
      this.offX = sx - (sx - this.offX) * k;
      this.offY = sy - (sy - this.offY) * k;
      this.scale *= k;
      this.autoFit = false;
      this.draw();
    }, { passive: false });
    on('pointerdown', (e) => { this.drag = { x: e.clientX, y: e.clientY, ox: this.offX, oy: this.offY }; });
    on('pointerup', (e) => {
      // a press released where it started is a click; one that moved was a pan
      if (this.drag && this.onClick && Math.hypot(e.clientX - this.drag.x, e.clientY - this.drag.y) < 4) {
        const [sx, sy] = this.local(e);
        this.onClick({ x: (sx - this.offX) / this.scale, y: (sy - this.offY) / this.scale });
      }
      this.drag = null;
    });
    on('pointerleave', () => { this.drag = null; this.onHover(null); });
    on('pointermove', (e) => {
      if (this.drag) {
        this.offX = this.drag.ox + e.clientX - this.drag.x;
        this.offY = this.drag.oy + e.clientY - this.drag.y;
        this.autoFit = false;
        this.draw();
      }
      const [sx, sy] = this.local(e);
      this.onHover({ x: (sx - this.offX) / this.scale, y: (sy - this.offY) / this.scale });
    });
    on('dblclick', () => this.fit());
    this.ro = new ResizeObserver(() => this.resize());
    this.ro.observe(parent);
    this.resize();
  }

  private local(e: MouseEvent): [number, number] {
    const r = this.canvas.getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top];
  }

  private resize() {
    const dpr = window.devicePixelRatio || 1;
    this.canvas.width = Math.max(1, Math.round(this.parent.clientWidth * dpr));
    this.canvas.height = Math.max(1, Math.round(this.parent.clientHeight * dpr));
    if (this.autoFit) this.fit();
    else this.draw();
  }

  update(input: RenderInput): void {
    const first = !this.input || this.input.width !== input.width || this.input.height !== input.height;
    this.input = input;
    this.bitmap.width = input.width;
    this.bitmap.height = input.height;
    const bctx = this.bitmap.getContext('2d')!;
    bctx.putImageData(new ImageData(colorize(input), input.width, input.height), 0, 0);
    if (first) this.fit();
    else this.draw();
  }

  fit(): void {
    if (!this.input) return;
    const vw = this.parent.clientWidth;
    const vh = this.parent.clientHeight;
    this.scale = Math.min(vw / this.input.width, vh / this.input.height) * 0.96;
    this.autoFit = true;
    this.offX = (vw - this.input.width * this.scale) / 2;
    this.offY = (vh - this.input.height * this.scale) / 2;
    this.draw();
  }

  private draw() {
    // exposes the view for tests: "<image w>x<image h>@<screen px per image px>"
    if (this.input) this.parent.dataset.view = `${this.input.width}x${this.input.height}@${this.scale}`;
    if (this.input) this.views.emit({ scale: this.scale, offsetX: this.offX, offsetY: this.offY });
    const dpr = window.devicePixelRatio || 1;
    const c = this.ctx;
    c.setTransform(1, 0, 0, 1, 0, 0);
    c.clearRect(0, 0, this.canvas.width, this.canvas.height);
    if (!this.input) return;
    c.setTransform(dpr * this.scale, 0, 0, dpr * this.scale, dpr * this.offX, dpr * this.offY);
    c.imageSmoothingEnabled = false;
    c.drawImage(this.bitmap, 0, 0);
  }

  async rendered(): Promise<void> {
    // Canvas2D draws synchronously
  }

  onViewChange(f: ViewListener): () => void {
    return this.views.add(f);
  }

  destroy(): void {
    this.ro.disconnect();
    this.cleanup.forEach((f) => f());
    this.canvas.remove();
  }
}
