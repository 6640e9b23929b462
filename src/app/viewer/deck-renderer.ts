// WebGL2 ion image renderer on deck.gl 9: the float image is an r32float texture; the colour is applied
// in the fragment shader (DECKGL_FILTER_COLOR) through a 256×1 LUT texture, so changing the intensity
// range or colormap never touches the pixels on the CPU (ecosystem.md §3.1).
import { Deck, LayerExtension, OrthographicView, type Layer, type OrthographicViewState, type PickingInfo } from '@deck.gl/core';
import { BitmapLayer } from '@deck.gl/layers';
import type { Device, Texture } from '@luma.gl/core';
import { ViewListeners, type HoverHandler, type IonRenderer, type RenderInput, type ViewListener } from './renderer.ts';

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
  private views = new ViewListeners();

  constructor(private parent: HTMLDivElement, private onHover: HoverHandler) {
    // deck.gl's own canvas starts at 300×150 and is sized on a later frame, so the first image showed zoomed
    // in (fitted to the container, drawn into the small canvas) before it jumped to fit. Our canvas has the
    // container's size from the start, and stays hidden until a frame has been drawn at that size.
    const canvas = (this.canvas = document.createElement('canvas'));
    canvas.style.cssText = 'position:absolute;inset:0;width:100%;height:100%;visibility:hidden';
    const dpr = window.devicePixelRatio || 1;
    canvas.width = Math.max(1, Math.round(parent.clientWidth * dpr));
    canvas.height = Math.max(1, Math.round(parent.clientHeight * dpr));
    parent.appendChild(canvas);
    this.deck = new Deck<OrthographicView>({
      canvas,
      width: '100%',
      height: '100%',
      views: new OrthographicView({ id: 'ion', flipY: true }),
      viewState: this.viewState,
      controller: { doubleClickZoom: true, scrollZoom: { smooth: false, speed: 0.01 } },
      // keep the last frame readable for PNG snapshots/tests
      deviceProps: { webgl: { preserveDrawingBuffer: true } },
      onViewStateChange: ({ viewState, interactionState }) => {
        if (interactionState.isDragging || interactionState.isZooming || interactionState.isPanning) this.autoFit = false;
        this.viewState = viewState as OrthographicViewState;
        this.deck.setProps({ viewState: this.viewState });
        this.markView();
      },
      onDeviceInitialized: (device) => {
        this.device = device;
        if (this.input) this.update(this.input);
      },
      onHover: (info: PickingInfo) => {
        if (!info.coordinate) return this.onHover(null);
        this.onHover({ x: info.coordinate[0], y: info.coordinate[1] });
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
      getCursor: ({ isDragging }) => (isDragging ? 'grabbing' : 'crosshair'),
    });
    this.ro = new ResizeObserver(() => { if (this.autoFit) this.fit(); else this.markView(); });
    this.ro.observe(parent);
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
      this.deck.redraw('resize');
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
    this.canvas.style.visibility = '';
  }

  update(input: RenderInput): void {
    const first = !this.input || this.input.width !== input.width || this.input.height !== input.height;
    this.input = input;
    this.generation++;
    if (first) this.fit();
    const device = this.device;
    if (!device) return;
    if (this.imageKey !== input.values) {
      if (this.image) this.retired.push(this.image);
      this.image = device.createTexture({
        format: 'r32float', width: input.width, height: input.height, data: input.values,
        sampler: { minFilter: 'nearest', magFilter: 'nearest', addressModeU: 'clamp-to-edge', addressModeV: 'clamp-to-edge' },
      });
      this.imageKey = input.values;
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
    const layer = new BitmapLayer({
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
    if (this.revealTimer) clearTimeout(this.revealTimer);
    this.ro.disconnect();
    this.deck.finalize();
    this.canvas.remove();
    this.image?.destroy();
    this.lut?.destroy();
    this.retired.forEach((t) => t.destroy());
    this.retired = [];
  }
}
