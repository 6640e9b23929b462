// PNG export of an ion image with its label and a colour bar (METASPACE ImageSaver's content), drawn on
// the CPU so it is identical whichever renderer is on screen.
import { formatIntensity } from '../../core/view/scale.ts';
import { colorize } from './canvas-renderer.ts';
import type { RenderInput } from './renderer.ts';

export interface PngLabel {
  title: string;
  subtitle?: string;
  units: string;
  /** Intensities shown at the ends of the colour bar. */
  rangeMin: number;
  rangeMax: number;
}

export function composeIonPng(input: RenderInput, label: PngLabel): HTMLCanvasElement {
  const k = Math.max(1, Math.min(16, Math.floor(800 / Math.max(input.width, input.height))));
  const iw = input.width * k;
  const ih = input.height * k;
  const pad = 16;
  const W = Math.max(iw + 2 * pad, 420);
  const H = ih + 2 * pad + 54 + 58;
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
  if (label.subtitle) g.fillText(label.subtitle, pad, pad + 34);
  // image (checkerboard-free: off-sample stays white)
  const bmp = document.createElement('canvas');
  bmp.width = input.width;
  bmp.height = input.height;
  bmp.getContext('2d')!.putImageData(new ImageData(colorize(input), input.width, input.height), 0, 0);
  g.imageSmoothingEnabled = false;
  const ix = Math.round((W - iw) / 2);
  const iy = pad + 50;
  g.drawImage(bmp, ix, iy, iw, ih);
  // colour bar
  const by = iy + ih + 14;
  const bw = W - 2 * pad;
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
  g.fillText(unit, pad + (bw - g.measureText(unit).width) / 2, by + 30);
  g.fillStyle = '#888';
  g.font = '10px sans-serif';
  g.fillText('imzlens', W - pad - 40, H - 8);
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
