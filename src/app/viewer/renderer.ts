// The ion image renderer contract, shared by the deck.gl (WebGL2) and Canvas2D implementations.
import type { ChannelValues } from '../../core/view/overlay.ts';

/** What to draw: texture values plus how to map them to colours. */
export interface RenderInput {
  width: number;
  height: number;
  /**
   * Per-pixel values, row-major, y down: raw intensities for linear/log, equalized ranks (0..1) for hist.
   * Off-sample pixels are negative (drawn transparent).
   */
  values: Float32Array;
  vmin: number;
  vmax: number;
  log: boolean;
  /** 256×4 RGBA colour table. */
  lut: Uint8Array;
  /** Multi-ion overlay: when set, these channels are drawn added up instead of `values` through `lut`. */
  overlay?: OverlayInput;
}

/** Up to 4 channels (core/view/overlay.ts), and the same values interleaved 4 per pixel for one RGBA float texture. */
export interface OverlayInput {
  channels: ChannelValues[];
  packed: Float32Array;
}

export interface HoverEvent {
  /** World coordinate in image pixels (x right, y down), or null when the pointer left the view. */
  x: number;
  y: number;
}

/** Image pixel coordinates → CSS pixels of the stage: screen = offset + scale × image (y down in both). */
export interface ViewTransform {
  scale: number;
  offsetX: number;
  offsetY: number;
}

export type ViewListener = (t: ViewTransform) => void;

/** Calls the listeners with the new transform (a small helper both renderers share). */
export class ViewListeners {
  private fs = new Set<ViewListener>();
  last: ViewTransform | null = null;
  add(f: ViewListener): () => void {
    this.fs.add(f);
    if (this.last) f(this.last);
    return () => this.fs.delete(f);
  }
  emit(t: ViewTransform): void {
    const l = this.last;
    if (l && l.scale === t.scale && l.offsetX === t.offsetX && l.offsetY === t.offsetY) return;
    this.last = t;
    this.fs.forEach((f) => f(t));
  }
}

export interface IonRenderer {
  readonly kind: 'webgl' | 'canvas';
  update(input: RenderInput): void;
  /** Zooms so the whole image fits the container. */
  fit(): void;
  /** Resolves after the next frame with the current input has been drawn. */
  rendered(): Promise<void>;
  /** Overlays (ROI drawing…): calls f with the image→stage transform now and after every zoom, pan, resize or fit. */
  onViewChange(f: ViewListener): () => void;
  destroy(): void;
}

export type HoverHandler = (e: HoverEvent | null) => void;
/** A click (not a drag) on the image, in world coordinates like HoverEvent. */
export type ClickHandler = (e: HoverEvent) => void;

let webgl2: boolean | undefined;

/**
 * Probed once per page: creating a WebGL2 context is expensive (~100 ms under SwiftShader) and the viewer asked on
 * every mount, i.e. on every row click.
 */
export function webgl2Available(): boolean {
  if (webgl2 !== undefined) return webgl2;
  try {
    const c = document.createElement('canvas');
    const gl = c.getContext('webgl2');
    webgl2 = !!gl;
    gl?.getExtension('WEBGL_lose_context')?.loseContext();
  } catch {
    webgl2 = false;
  }
  return webgl2;
}

/**
 * Canvas2D is used when WebGL2 is missing (old GPUs, WebGL blocked by policy). Tests reach it with a browser launched
 * without WebGL2 (the Playwright project 'canvas2d'), not with a switch in the page.
 */
export function preferredRenderer(): 'webgl' | 'canvas' {
  return webgl2Available() ? 'webgl' : 'canvas';
}
