// WebGL2 ion image renderer on deck.gl 9: the float image is an r32float texture; the colour is applied
// in the fragment shader (DECKGL_FILTER_COLOR) through a 256×1 LUT texture, so changing the intensity
// range or colormap never touches the pixels on the CPU (ecosystem.md §3.1).
import { Deck, LayerExtension, OrthographicView, type DeckProps, type Layer, type OrthographicViewState, type PickingInfo } from '@deck.gl/core';
import { BitmapLayer } from '@deck.gl/layers';
import type { Device, Texture } from '@luma.gl/core';
import { ViewListeners, type ClickHandler, type HoverHandler, type IonRenderer, type RenderInput, type ViewListener } from './renderer.ts';

// luma.gl parses the uniform block: one field per line.
const ionModule = {
  name: 'ion',
  fs: `\
uniform ionUniforms {
  float vmin;
  float vmax;
  float logScale;
} ion;
uniform sampler2D ionLut;
vec3 ion_lut(float t) { return texture(ionLut, vec2((t * 255.0 + 0.5) / 256.0, 0.5)).rgb; }
`,
  uniformTypes: { vmin: 'f32', vmax: 'f32', logScale: 'f32' },
  inject: {
    'fs:DECKGL_FILTER_COLOR': `
    float ionV = color.r;
    if (ionV < 0.0) discard; // off-sample pixel: transparent
    float ionT;
    if (ion.logScale > 0.5) {
      float lo = log(max(ion.vmin, 1e-30));
      float hi = log(max(ion.vmax, 1e-30));
      ionT = ionV > 0.0 ? (log(ionV) - lo) / max(hi - lo, 1e-30) : 0.0;
    } else {
      ionT = (ionV - ion.vmin) / max(ion.vmax - ion.vmin, 1e-30);
    }
    color = vec4(ion_lut(clamp(ionT, 0.0, 1.0)), 1.0);`,
  },
} as const;

// Multi-ion overlay: the 4 channel values of a pixel are one rgba32float texel; each is scaled by its own range
// and adds its colour (core/view/overlay.ts is the CPU twin the Canvas2D renderer and the PNG export use).
const overlayModule = {
  name: 'ionov',
  fs: `\
uniform ionovUniforms {
  vec4 vmin;
  vec4 vmax;
  vec4 color0;
  vec4 color1;
  vec4 color2;
  vec4 color3;
  float logScale;
} ionov;
float ionov_t(float v, float lo, float hi) {
  float t;
  if (ionov.logScale > 0.5) {
    float l = log(max(lo, 1e-30));
    float h = log(max(hi, 1e-30));
    t = v > 0.0 ? (log(v) - l) / max(h - l, 1e-30) : 0.0;
  } else {
    t = (v - lo) / max(hi - lo, 1e-30);
  }
  return clamp(t, 0.0, 1.0);
}
`,
  uniformTypes: {
    vmin: 'vec4<f32>', vmax: 'vec4<f32>', color0: 'vec4<f32>', color1: 'vec4<f32>', color2: 'vec4<f32>', color3: 'vec4<f32>', logScale: 'f32',
  },
  inject: {
    'fs:DECKGL_FILTER_COLOR': `
    vec4 ovV = color;
    if (ovV.r < 0.0) discard; // off-sample pixel: transparent
    vec3 ovC = ionov_t(ovV.r, ionov.vmin.x, ionov.vmax.x) * ionov.color0.rgb
      + ionov_t(ovV.g, ionov.vmin.y, ionov.vmax.y) * ionov.color1.rgb
      + ionov_t(ovV.b, ionov.vmin.z, ionov.vmax.z) * ionov.color2.rgb
      + ionov_t(ovV.a, ionov.vmin.w, ionov.vmax.w) * ionov.color3.rgb;
    color = vec4(min(ovC, vec3(1.0)), 1.0);`,
  },
} as const;

type Vec4 = [number, number, number, number];
interface OverlayExtProps { ovVmin: Vec4; ovVmax: Vec4; ovColors: Vec4[]; logScale: number }

class IonOverlayExtension extends LayerExtension {
  static override extensionName = 'IonOverlayExtension';
  override getShaders() {
    return { modules: [overlayModule] };
  }
  override updateState(this: Layer<OverlayExtProps>) {
    const p = this.props;
    for (const model of this.getModels()) {
      model.shaderInputs.setProps({
        ionov: { vmin: p.ovVmin, vmax: p.ovVmax, color0: p.ovColors[0], color1: p.ovColors[1], color2: p.ovColors[2], color3: p.ovColors[3], logScale: p.logScale },
      });
    }
  }
}

interface IonExtProps { vmin: number; vmax: number; logScale: number; lut: Texture | null }

class IonColormapExtension extends LayerExtension {
  static override extensionName = 'IonColormapExtension';
  override getShaders() {
    return { modules: [ionModule] };
  }
  override updateState(this: Layer<IonExtProps>) {
    for (const model of this.getModels()) {
      model.shaderInputs.setProps({ ion: { vmin: this.props.vmin, vmax: this.props.vmax, logScale: this.props.logScale } });
      if (this.props.lut) model.setBindings({ ionLut: this.props.lut });
    }
  }
}

/**
 * The WebGL context of the last destroyed viewer, kept for the next one. The page mounts a new viewer for every
 * selected row, and creating a Deck (a WebGL2 context, shaders) took ~100–200 ms of each row click under
 * SwiftShader (issue 13). Only a renderer that has drawn and whose context is not lost is kept; one spare at most.
 */
let parked: { canvas: HTMLCanvasElement; deck: Deck<OrthographicView>; device: Device; retired: Texture[] } | null = null;

export class DeckRenderer implements IonRenderer {
  readonly kind = 'webgl' as const;
  private deck: Deck<OrthographicView>;
  private device: Device | null = null;
  private input: RenderInput | null = null;
  private image: Texture | null = null;
  private lut: Texture | null = null;
  private imageKey: Float32Array | null = null;
  private lutKey: Uint8Array | null = null;
  private ext = new IonColormapExtension();
  private ovExt = new IonOverlayExtension();
  private viewState: OrthographicViewState = { target: [0, 0, 0], zoom: 0 };
  private waiters: (() => void)[] = [];
  private generation = 0;
  private drawnGeneration = -1;
  /**
   * Textures replaced by newer ones. They are destroyed only after a frame with the new layer has been drawn:
   * destroying them at once let a draw or picking pass still queued for the old layer bind a deleted texture
   * ("bindTexture: attempt to use a deleted object" when switching datasets or ions).
   */
  private retired: Texture[] = [];
  /** The view follows the container's size until the user pans or zooms. */
  private autoFit = true;
  private shown = false;
  private ro: ResizeObserver;
  private canvas: HTMLCanvasElement;
  /** Shows the canvas anyway if its size has not settled soon after the first drawn frame (see reveal). */
  private revealTimer: ReturnType<typeof setTimeout> | null = null;
  private destroyed = false;
  /** A frame has been drawn and shown (only such a renderer's context is parked for reuse). */
  private drewOnce = false;
  private resizeFrame = 0;
  private unlisten: () => void = () => {};
  /** World position of the last hover (what the readout shows); a click uses it. */
  private lastHover: { x: number; y: number } | null = null;
  private views = new ViewListeners();

  constructor(private parent: HTMLDivElement, private onHover: HoverHandler, private onClick?: ClickHandler) {
    // deck.gl's own canvas starts at 300×150 and is sized on a later frame, so the first image showed zoomed
    // in (fitted to the container, drawn into the small canvas) before it jumped to fit. Our canvas has the
    // container's size from the start, and stays hidden until a frame has been drawn at that size.
    const spare = parked;
    parked = null;
    const canvas = (this.canvas = spare?.canvas ?? document.createElement('canvas'));
    canvas.style.cssText = 'position:absolute;inset:0;width:100%;height:100%;visibility:hidden';
    const dpr = window.devicePixelRatio || 1;
    canvas.width = Math.max(1, Math.round(parent.clientWidth * dpr));
    canvas.height = Math.max(1, Math.round(parent.clientHeight * dpr));
    parent.appendChild(canvas);
    if (spare) {
      // the spare's textures go once this renderer has drawn its first frame (see `retired`)
      this.deck = spare.deck;
      this.device = spare.device;
      this.retired = spare.retired;
      this.deck.setProps({ viewState: this.viewState, ...this.handlers() });
    } else {
      this.deck = new Deck<OrthographicView>({
        canvas,
        width: '100%',
        height: '100%',
        views: new OrthographicView({ id: 'ion', flipY: true }),
        viewState: this.viewState,
        controller: { doubleClickZoom: true, scrollZoom: { smooth: false, speed: 0.01 } },
        // keep the last frame readable for PNG snapshots/tests
        deviceProps: { webgl: { preserveDrawingBuffer: true } },
        onDeviceInitialized: (device) => {
          this.device = device;
          if (this.input) this.update(this.input);
        },
        getCursor: ({ isDragging }) => (isDragging ? 'grabbing' : 'crosshair'),
        ...this.handlers(),
      });
    }
    this.ro = new ResizeObserver(() => { if (this.autoFit) this.fit(); else this.markView(); });
    this.ro.observe(parent);
    this.listenForClicks(this.canvas);
  }

  /**
   * Clicks: a press released where it started (deck.gl's own onClick waits for the double-click interval and drops
   * taps longer than 250 ms on a busy page). Removed in destroy(), so a parked canvas adopted later has only its new
   * renderer's listeners.
   */
  private listenForClicks(canvas: HTMLCanvasElement) {
    let down: { x: number; y: number } | null = null;
    const onDown = (e: PointerEvent) => { down = { x: e.clientX, y: e.clientY }; };
    const onUp = (e: PointerEvent) => {
      const d = down;
      down = null;
      if (!d || !this.onClick || Math.hypot(e.clientX - d.x, e.clientY - d.y) >= 4) return;
      const r = canvas.getBoundingClientRect();
      const vp = this.deck.getViewports()[0];
      if (!vp) return;
      const [x, y] = vp.unproject([e.clientX - r.left, e.clientY - r.top]);
      // the pixel the hover readout shows (deck.gl rounds pointer positions, so the two can differ by one pixel at
      // a boundary) unless that hover is stale (the pointer moved on before deck.gl picked)
      const h = this.lastHover;
      this.onClick(h && Math.abs(h.x - x) < 1.5 && Math.abs(h.y - y) < 1.5 ? h : { x, y });
    };
    canvas.addEventListener('pointerdown', onDown);
    canvas.addEventListener('pointerup', onUp);
    this.unlisten = () => { canvas.removeEventListener('pointerdown', onDown); canvas.removeEventListener('pointerup', onUp); };
  }

  /** The Deck callbacks of this renderer (set again when a parked Deck is adopted). */
  private handlers(): Partial<DeckProps<OrthographicView>> {
    return {
      onViewStateChange: ({ viewState, interactionState }) => {
        if (interactionState.isDragging || interactionState.isZooming || interactionState.isPanning) this.autoFit = false;
        this.viewState = viewState as OrthographicViewState;
        this.deck.setProps({ viewState: this.viewState });
        this.markView();
      },
      onHover: (info: PickingInfo) => {
        this.lastHover = info.coordinate ? { x: info.coordinate[0], y: info.coordinate[1] } : null;
        if (!this.lastHover) return this.onHover(null);
        this.onHover(this.lastHover);
      },
      onAfterRender: () => {
        if (this.drawnGeneration === this.generation && this.image) {
          this.retired.forEach((t) => t.destroy());
          this.retired = [];
          this.reveal();
          // "rendered" means visible: not before the canvas is shown at its real size
          if (!this.shown) return;
          const w = this.waiters;
          this.waiters = [];
          w.forEach((f) => f());
        }
      },
    };
  }

  private reveal() {
    if (this.shown) return;
    const c = this.canvas;
    const pw = this.parent.clientWidth;
    const ph = this.parent.clientHeight;
    // CSS box equals the container and the drawing buffer has its aspect (not a stretched 300×150)
    const sized = Math.abs(c.clientWidth - pw) <= 1 && Math.abs(c.clientHeight - ph) <= 1
      && c.width > 0 && c.height > 0 && Math.abs(c.width / c.height - c.clientWidth / Math.max(1, c.clientHeight)) < 0.02;
    if (!sized) {
      // next frame, not now: redraw() draws synchronously and calls onAfterRender → reveal again, which recursed
      // until the stack overflowed while an adopted canvas (see `parked`) waited for its new size
      if (!this.resizeFrame) {
        this.resizeFrame = requestAnimationFrame(() => {
          this.resizeFrame = 0;
          if (!this.destroyed) this.deck.redraw('resize');
        });
      }
      // A hidden image is worse than one frame at a stale size: if the size has not settled within 400 ms (layout
      // still moving, or no further frame scheduled), show the canvas, refit and draw again.
      this.revealTimer ??= setTimeout(() => {
        this.revealTimer = null;
        if (this.shown || this.destroyed) return;
        this.show();
        if (this.autoFit) this.fit();
        this.deck.redraw('reveal');
        if (this.image && this.drawnGeneration === this.generation) {
          const w = this.waiters;
          this.waiters = [];
          w.forEach((f) => f());
        }
      }, 400);
      return;
    }
    this.show();
  }

  private show() {
    if (this.revealTimer) clearTimeout(this.revealTimer);
    this.revealTimer = null;
    this.shown = true;
    this.drewOnce = true;
    this.canvas.style.visibility = '';
  }

  update(input: RenderInput): void {
    const first = !this.input || this.input.width !== input.width || this.input.height !== input.height;
    this.input = input;
    this.generation++;
    if (first) this.fit();
    const device = this.device;
    if (!device) return;
    const ov = input.overlay;
    const data = ov ? ov.packed : input.values;
    if (this.imageKey !== data) {
      if (this.image) this.retired.push(this.image);
      this.image = device.createTexture({
        format: ov ? 'rgba32float' : 'r32float', width: input.width, height: input.height, data,
        sampler: { minFilter: 'nearest', magFilter: 'nearest', addressModeU: 'clamp-to-edge', addressModeV: 'clamp-to-edge' },
      });
      this.imageKey = data;
    }
    if (this.lutKey !== input.lut) {
      if (this.lut) this.retired.push(this.lut);
      this.lut = device.createTexture({
        format: 'rgba8unorm', width: 256, height: 1, data: input.lut,
        sampler: { minFilter: 'nearest', magFilter: 'nearest', addressModeU: 'clamp-to-edge', addressModeV: 'clamp-to-edge' },
      });
      this.lutKey = input.lut;
    }
    const gen = this.generation;
    const layer = ov ? this.overlayLayer(input, ov) : new BitmapLayer({
      id: 'ion-image',
      image: this.image,
      bounds: [0, input.height, input.width, 0],
      pickable: true,
      extensions: [this.ext],
      // extension props
      ...({ vmin: input.vmin, vmax: input.vmax, logScale: input.log ? 1 : 0, lut: this.lut } as object),
    });
    this.deck.setProps({ layers: [layer] });
    this.drawnGeneration = gen;
  }

  private overlayLayer(input: RenderInput, ov: NonNullable<RenderInput['overlay']>): Layer {
    const vmin: Vec4 = [0, 0, 0, 0];
    const vmax: Vec4 = [1, 1, 1, 1];
    const colors: Vec4[] = [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]];
    ov.channels.slice(0, 4).forEach((c, k) => {
      vmin[k] = c.vmin;
      vmax[k] = c.vmax;
      colors[k] = [c.color[0] / 255, c.color[1] / 255, c.color[2] / 255, 1];
    });
    return new BitmapLayer({
      id: 'ion-overlay',
      image: this.image,
      bounds: [0, input.height, input.width, 0],
      pickable: true,
      extensions: [this.ovExt],
      ...({ ovVmin: vmin, ovVmax: vmax, ovColors: colors, logScale: input.log ? 1 : 0 } as object),
    });
  }

  fit(): void {
    if (!this.input) return;
    const { width, height } = this.input;
    const vw = Math.max(1, this.parent.clientWidth);
    const vh = Math.max(1, this.parent.clientHeight);
    const zoom = Math.log2(Math.min(vw / width, vh / height) * 0.96);
    this.autoFit = true;
    this.viewState = { target: [width / 2, height / 2, 0], zoom };
    this.deck.setProps({ viewState: this.viewState });
    this.markView();
  }

  /** Exposes the view for tests: "<image w>x<image h>@<screen px per image px>". */
  private markView() {
    if (!this.input) return;
    const scale = 2 ** (this.viewState.zoom as number);
    this.parent.dataset.view = `${this.input.width}x${this.input.height}@${scale}`;
    // the orthographic view puts `target` at the centre of the canvas (the container's size)
    const [tx, ty] = this.viewState.target as [number, number];
    this.views.emit({ scale, offsetX: this.parent.clientWidth / 2 - tx * scale, offsetY: this.parent.clientHeight / 2 - ty * scale });
  }

  onViewChange(f: ViewListener): () => void {
    return this.views.add(f);
  }

  rendered(): Promise<void> {
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      this.deck.redraw('snapshot');
    });
  }

  destroy(): void {
    this.destroyed = true;
    this.unlisten();
    if (this.revealTimer) clearTimeout(this.revealTimer);
    if (this.resizeFrame) cancelAnimationFrame(this.resizeFrame);
    this.ro.disconnect();
    this.waiters = [];
    this.canvas.remove();
    const textures = [...this.retired, ...(this.image ? [this.image] : []), ...(this.lut ? [this.lut] : [])];
    this.retired = [];
    if (!parked && this.drewOnce && this.device && !this.device.isLost) {
      // keep the context for the next viewer; its textures may still be bound by a queued draw, so the next
      // renderer destroys them after its own first frame
      const noop = () => {};
      this.deck.setProps({ layers: [], onHover: noop, onAfterRender: noop, onViewStateChange: noop });
      parked = { canvas: this.canvas, deck: this.deck, device: this.device, retired: textures };
      return;
    }
    this.deck.finalize();
    textures.forEach((t) => t.destroy());
  }
}
