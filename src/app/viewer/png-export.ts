// PNG export of an ion image (or a multi-ion overlay) with its title, a caption (dataset, ion, m/z, MSM, FDR,
// normalisation), a colour bar (or the overlay's legend) and a scale bar (METASPACE ImageSaver's content), drawn
// on the CPU so it is identical whichever renderer is on screen.
import { colorHex } from '../../core/view/overlay.ts';
import { formatIntensity } from '../../core/view/scale.ts';
import { scaleBar } from '../../core/view/scale-bar.ts';
import { colorize } from './canvas-renderer.ts';
import type { RenderInput } from './renderer.ts';

export interface PngLabel {
  title: string;
  subtitle?: string;
  units: string;
  /** Intensities shown at the ends of the colour bar. */
  rangeMin: number;
  rangeMax: number;
  /** Caption lines under the title. */
  caption?: string[];
  /** imzML pixel size (µm) for the scale bar; null = unknown (the bar counts pixels). Undefined = no bar. */
  pixelSize?: number | null;
  /** Overlay channels: drawn as a legend instead of the colour bar. */
  legend?: { label: string; color: readonly [number, number, number]; min: number; max: number }[];
}

export function composeIonPng(input: RenderInput, label: PngLabel): HTMLCanvasElement {
  const k = Math.max(1, Math.min(16, Math.floor(800 / Math.max(input.width, input.height))));
  const iw = input.width * k;
  const ih = input.height * k;
  const pad = 16;
  const caption = [label.subtitle ?? '', ...(label.caption ?? [])].filter(Boolean);
  const head = 26 + caption.length * 16 + 8;
  const bar = label.pixelSize !== undefined ? scaleBar(label.pixelSize, k, Math.min(200, iw * 0.4)) : null;
  const foot = label.legend ? 10 + label.legend.length * 18 + 18 : 54;
  const W = Math.max(iw + 2 * pad, 460);
  const H = pad + head + ih + (bar ? 26 : 0) + foot + 16;
  const c = document.createElement('canvas');
  c.width = W;
  c.height = H;
  const g = c.getContext('2d')!;
  g.fillStyle = '#fff';
  g.fillRect(0, 0, W, H);
  g.fillStyle = '#111';
  g.font = 'bold 16px sans-serif';
  g.fillText(label.title, pad, pad + 14);
  g.font = '12px sans-serif';
  g.fillStyle = '#444';
  caption.forEach((line, i) => g.fillText(line, pad, pad + 34 + i * 16, W - 2 * pad));
  // image (checkerboard-free: off-sample stays white)
  const bmp = document.createElement('canvas');
  bmp.width = input.width;
  bmp.height = input.height;
  bmp.getContext('2d')!.putImageData(new ImageData(colorize(input), input.width, input.height), 0, 0);
  g.imageSmoothingEnabled = false;
  const ix = Math.round((W - iw) / 2);
  const iy = pad + head;
  g.drawImage(bmp, ix, iy, iw, ih);
  let y = iy + ih;
  if (bar) {
    // scale bar under the image's right edge: the length at this export's pixels
    const x1 = ix + iw;
    g.fillStyle = '#111';
    g.fillRect(x1 - bar.px, y + 8, bar.px, 4);
    g.font = '11px sans-serif';
    const t = bar.physical ? bar.label : `${bar.label} (no pixel size in file)`;
    g.fillText(t, x1 - Math.max(bar.px, g.measureText(t).width), y + 24);
    y += 26;
  }
  const bw = W - 2 * pad;
  if (label.legend) {
    g.font = '12px sans-serif';
    label.legend.forEach((l, i) => {
      const ly = y + 12 + i * 18;
      g.fillStyle = colorHex(l.color);
      g.fillRect(pad, ly, 24, 12);
      g.strokeStyle = '#888';
      g.strokeRect(pad + 0.5, ly + 0.5, 23, 11);
      g.fillStyle = '#111';
      g.fillText(`${l.label}   ${formatIntensity(l.min)} – ${formatIntensity(l.max)}`, pad + 32, ly + 11, bw - 32);
    });
    g.fillStyle = '#444';
    g.fillText(`${label.units}; channel colours add up`, pad, y + 12 + label.legend.length * 18 + 12, bw);
  } else {
    // colour bar
    const by = y + 14;
    for (let x = 0; x < bw; x++) {
      const e = Math.min(255, Math.floor((x / (bw - 1)) * 255)) * 4;
      g.fillStyle = `rgb(${input.lut[e]},${input.lut[e + 1]},${input.lut[e + 2]})`;
      g.fillRect(pad + x, by, 1, 14);
    }
    g.strokeStyle = '#888';
    g.strokeRect(pad + 0.5, by + 0.5, bw - 1, 13);
    g.fillStyle = '#111';
    g.font = '12px sans-serif';
    g.fillText(formatIntensity(label.rangeMin), pad, by + 30);
    const maxText = formatIntensity(label.rangeMax);
    g.fillText(maxText, pad + bw - g.measureText(maxText).width, by + 30);
    const unit = `${input.log ? 'log scale, ' : ''}${label.units}`;
    const uw = Math.min(g.measureText(unit).width, bw - 140);
    g.fillText(unit, pad + (bw - uw) / 2, by + 30, bw - 140);
  }
  g.fillStyle = '#888';
  g.font = '10px sans-serif';
  g.fillText('imzlens', W - pad - 40, H - 6);
  return c;
}

export function downloadCanvas(c: HTMLCanvasElement, fileName: string): void {
  c.toBlob((blob) => {
    if (!blob) return;
    downloadBlob(blob, fileName);
  }, 'image/png');
}

export function downloadBlob(blob: Blob, fileName: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}
