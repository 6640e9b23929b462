// Spectrum browser (issue 14 §5) on the bundled example after its job: a click on a pixel of the main image shows
// that pixel's spectrum — its peaks equal the ones read independently from the example's imzML/ibd in Node with the
// project's parser — with the job's annotated peaks marked (a mark selects its annotation); the mean spectrum's
// bins add up to the dataset's total intensity ÷ sampled pixels; a typed m/z ± ppm paints its image in the main
// viewer with the pixel values summed from the imzML; bad input gets a message and leaves the view intact; the
// index survives a reload.
import { expect, test, type Page } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import { decimate } from '../../src/core/analysis/spectrum.ts';
import { parseImzml } from '../../src/core/imzml/parse.ts';
import { forEachSpectrum } from '../../src/core/imzml/spectra.ts';
import { NodeFileSource } from '../../src/platform/node/file-source.ts';

const EXAMPLE = path.resolve(import.meta.dirname, '../../public/example');
const SHOTS = '/tmp/s4-spectrum-shots';

interface Peaks { mz: number[]; intensity: number[] }

/** Every pixel's non-zero peaks, m/z-ascending (stable), keyed by file "x,y"; and the dataset's sums. */
async function readExample() {
  const imzml = await NodeFileSource.open(path.join(EXAMPLE, 'example.imzML'));
  const ibd = await NodeFileSource.open(path.join(EXAMPLE, 'example.ibd'));
  const index = await parseImzml(imzml);
  try {
  const pixels = new Map<string, Peaks>();
  let total = 0;
  await forEachSpectrum(index, ibd, (i, mz, inten) => {
    const order = [...mz.keys()].filter((j) => inten[j] > 0).sort((a, b) => mz[a] - mz[b] || a - b);
    const key = `${index.x[i]},${index.y[i]}`;
    const prev = pixels.get(key) ?? { mz: [], intensity: [] };
    for (const j of order) { prev.mz.push(mz[j]); prev.intensity.push(Math.fround(inten[j])); total += Math.fround(inten[j]); }
    pixels.set(key, prev);
  });
  return { pixels, total, minX: Math.min(...index.x), minY: Math.min(...index.y) };
  } finally {
    await imzml.close?.();
    await ibd.close?.();
  }
}

function watchConsole(page: Page): string[] {
  const msgs: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') msgs.push(m.text()); });
  page.on('pageerror', (e) => msgs.push(`pageerror: ${e.message}`));
  return msgs;
}

/** Moves to image pixel (col,row) of the main viewer (checked by its hover readout unless off-sample) and clicks it. */
async function clickPixel(page: Page, wrap: string, col: number, row: number, fileX: number, fileY: number, onSample = true) {
  const viewer = page.locator(`${wrap} [data-testid=ion-viewer]`);
  const stage = viewer.locator('.stage');
  const view = (await stage.getAttribute('data-view'))!; // "<w>x<h>@<scale>"
  const [, w, h, s] = /^(\d+)x(\d+)@([\d.e+-]+)$/.exec(view)!.map(Number);
  const box = (await stage.boundingBox())!;
  const inner = { w: box.width - 2, h: box.height - 2 };
  const x = box.x + 1 + (inner.w - w * s) / 2 + (col + 0.5) * s;
  const y = box.y + 1 + (inner.h - h * s) / 2 + (row + 0.5) * s;
  await page.mouse.move(x, y);
  if (onSample) {
    await expect(viewer.getByTestId('hover-readout')).toHaveAttribute('data-x', String(fileX));
    await expect(viewer.getByTestId('hover-readout')).toHaveAttribute('data-y', String(fileY));
  }
  await page.mouse.click(x, y);
}

async function csvOf(page: Page): Promise<Peaks> {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('spectrum-csv').click()]);
  const lines = fs.readFileSync(await dl.path(), 'utf8').trim().split('\n');
  expect(lines[0]).toBe('mz,intensity');
  const rows = lines.slice(1).map((l) => l.split(',').map(Number));
  return { mz: rows.map((r) => r[0]), intensity: rows.map((r) => r[1]) };
}

test('spectrum browser: pixel spectrum equals the imzML, marks select annotations, mean spectrum, any m/z image, bad input', async ({ page }) => {
  test.setTimeout(300_000);
  fs.mkdirSync(SHOTS, { recursive: true });
  const errors = watchConsole(page);
  const ex = await readExample();
  await page.setViewportSize({ width: 1440, height: 1000 });
  await page.goto('/');
  await page.getByTestId('try-example').click();
  await expect(page.getByTestId('annotation-table')).toBeVisible({ timeout: 240_000 });
  await expect(page.locator('[data-testid=main-image] [data-testid=ion-viewer]')).not.toHaveAttribute('data-rendered', '0', { timeout: 60_000 });

  // the pixel with the most peaks (a tissue pixel, where the planted ions are)
  let best = '';
  for (const [k, p] of ex.pixels) if (!best || p.mz.length > ex.pixels.get(best)!.mz.length) best = k;
  const [fx, fy] = best.split(',').map(Number);
  const want = ex.pixels.get(best)!;
  await clickPixel(page, '[data-testid=main-image]', fx - ex.minX, fy - ex.minY, fx, fy);

  const plot = page.getByTestId('pixel-spectrum');
  await expect(plot).toHaveAttribute('data-n', String(want.mz.length), { timeout: 60_000 });
  await expect(page.getByTestId('spectrum-caption')).toContainText(`Pixel x ${fx}, y ${fy}: ${want.mz.length} peaks`);
  // every peak, bit for bit (CSV export of the shown spectrum)
  const got = await csvOf(page);
  expect(got.mz).toEqual(want.mz);
  expect(got.intensity).toEqual(want.intensity);
  // the sticks drawn are the most intense peak of each screen column
  const drawn = async () => ((await plot.locator('path.sticks').getAttribute('data-mzs')) ?? '').split(',').filter(Boolean).map(Number);
  const expectedSticks = async () => {
    const lo = Number(await plot.getAttribute('data-lo'));
    const hi = Number(await plot.getAttribute('data-hi'));
    const cols = Number(await plot.getAttribute('data-cols'));
    const idx = decimate({ mz: Float64Array.from(want.mz), intensity: Float32Array.from(want.intensity) }, lo, hi, cols);
    return Array.from(idx, (i) => want.mz[i]);
  };
  expect(await drawn()).toEqual(await expectedSticks());
  await page.locator('section.detail').evaluate((el) => { el.scrollTop = el.scrollHeight; });
  await page.getByTestId('spectrum-tool').screenshot({ path: `${SHOTS}/pixel-spectrum.png` });

  // zoom: drag across a tenth of the plot around the tallest peak → a narrow range, every peak in it drawn
  const svg = plot.locator('svg');
  const sb = (await svg.boundingBox())!;
  const top = want.intensity.indexOf(Math.max(...want.intensity));
  const lo0 = Number(await plot.getAttribute('data-lo')), hi0 = Number(await plot.getAttribute('data-hi'));
  const xOf = (mz: number) => sb.x + 48 + ((mz - lo0) / (hi0 - lo0)) * (sb.width - 58);
  const cx = xOf(want.mz[top]);
  await page.mouse.move(cx - 12, sb.y + 100);
  await page.mouse.down();
  await page.mouse.move(cx + 12, sb.y + 100, { steps: 4 });
  await page.mouse.up();
  const lo1 = Number(await plot.getAttribute('data-lo')), hi1 = Number(await plot.getAttribute('data-hi'));
  expect(hi1 - lo1).toBeLessThan((hi0 - lo0) / 10);
  expect(lo1 <= want.mz[top] && want.mz[top] <= hi1).toBe(true);
  expect(await drawn()).toEqual(await expectedSticks());
  await expect(page.getByTestId('spectrum-reset')).toBeEnabled();
  await page.getByTestId('spectrum-tool').screenshot({ path: `${SHOTS}/pixel-spectrum-zoomed.png` });
  await page.getByTestId('spectrum-reset').click();
  await expect(plot).toHaveAttribute('data-lo', String(lo0));

  // annotated peaks: marks sit on peaks of this pixel; clicking one selects its annotation
  const marks = plot.getByTestId('spectrum-mark');
  expect(await marks.count()).toBeGreaterThan(0);
  for (const m of await marks.all()) expect(want.mz).toContain(Number(await m.getAttribute('data-mz')));
  const current = await page.getByTestId('main-image').getAttribute('data-ion');
  let target = '';
  for (const m of await marks.all()) {
    const k = (await m.getAttribute('data-key'))!;
    if (k !== current) { target = k; await m.locator('path').click(); break; }
  }
  if (target) await expect(page.getByTestId('main-image')).toHaveAttribute('data-ion', target, { timeout: 30_000 });

  // mean spectrum: Σ (bin mean × sampled pixels) = the dataset's total intensity
  await page.getByTestId('spectrum-tab-mean').click();
  const meanPlot = page.getByTestId('mean-spectrum');
  await expect(meanPlot).toBeVisible({ timeout: 60_000 });
  expect(Number(await meanPlot.getAttribute('data-n'))).toBeGreaterThan(100);
  const mean = await csvOf(page);
  const nSample = ex.pixels.size;
  await expect(page.getByTestId('spectrum-caption')).toContainText(`Mean over the ${nSample} sampled pixels`);
  const sum = mean.intensity.reduce((a, b) => a + b, 0) * nSample;
  expect(Math.abs(sum - ex.total) / ex.total).toBeLessThan(1e-5);
  expect(mean.mz).toEqual([...mean.mz].sort((a, b) => a - b));
  await page.getByTestId('spectrum-tool').screenshot({ path: `${SHOTS}/mean-spectrum.png` });

  // any m/z: the pixel's tallest peak ± 3 ppm → an image in the main viewer; the clicked pixel's value is the sum of
  // its peaks in the window
  const mz = want.mz[top];
  await page.getByTestId('mz-input').fill(String(mz));
  await page.getByTestId('mz-ppm').fill('3');
  await page.getByTestId('mz-show').click();
  const mzViewer = page.locator('[data-testid=mz-image] [data-testid=ion-viewer]');
  await expect(mzViewer).not.toHaveAttribute('data-rendered', '0', { timeout: 30_000 });
  await expect(page.getByTestId('mz-image')).toHaveAttribute('data-mz', String(mz));
  const d = mz * 3 * 1e-6;
  let inWindow = 0;
  want.mz.forEach((m, i) => { if (m >= mz - d && m <= mz + d) inWindow = Math.fround(inWindow + want.intensity[i]); });
  await clickPixel(page, '[data-testid=mz-image]', fx - ex.minX, fy - ex.minY, fx, fy);
  await expect(mzViewer.getByTestId('hover-readout')).toHaveAttribute('data-value', String(inWindow));
  // the image is painted (many colours on the stage)
  await page.screenshot({ path: `${SHOTS}/mz-image-page.png` });

  // bad input: outside the range, ppm ≤ 0, not a number → a message; the image stays
  for (const [m, p, re] of [['5', '3', /outside this dataset's m\/z range/], [String(mz), '0', /above 0/], ['abc', '3', /Enter an m\/z/]] as const) {
    await page.getByTestId('mz-input').fill(m);
    await page.getByTestId('mz-ppm').fill(p);
    await page.getByTestId('mz-show').click();
    await expect(page.getByTestId('mz-message')).toHaveText(re);
    await expect(page.getByTestId('mz-image')).toHaveAttribute('data-mz', String(mz));
  }
  await page.getByTestId('spectrum-tool').screenshot({ path: `${SHOTS}/mz-bad-input.png` });
  await page.getByTestId('mz-back').click();
  await expect(page.getByTestId('mz-image')).toHaveCount(0);
  await expect(page.getByTestId('main-image')).toBeVisible();
  // selecting another annotation in the table shows that one, not the typed m/z
  await page.getByTestId('mz-input').fill(String(mz));
  await page.getByTestId('mz-show').click();
  await expect(page.getByTestId('mz-image')).toBeVisible();
  const row = page.locator('[data-testid=table-row]:not(.sel)').first();
  const ion = await row.getAttribute('data-ion');
  await row.click();
  await expect(page.getByTestId('mz-image')).toHaveCount(0);
  await expect(page.getByTestId('main-image')).toBeVisible({ timeout: 30_000 });
  expect(await page.getByTestId('main-image').getAttribute('data-ion')).toContain(ion!);

  // an off-sample pixel: a message, no plot of another pixel
  let off: [number, number] | null = null;
  const w = Math.max(...[...ex.pixels.keys()].map((k) => Number(k.split(',')[0]))) - ex.minX + 1;
  const h = Math.max(...[...ex.pixels.keys()].map((k) => Number(k.split(',')[1]))) - ex.minY + 1;
  for (let r = 0; r < h && !off; r++) for (let c = 0; c < w && !off; c++) if (!ex.pixels.has(`${c + ex.minX},${r + ex.minY}`)) off = [c, r];
  if (off) {
    await clickPixel(page, '[data-testid=main-image]', off[0], off[1], off[0] + ex.minX, off[1] + ex.minY, false);
    await expect(page.getByTestId('spectrum-error')).toHaveText(`Pixel x ${off[0] + ex.minX}, y ${off[1] + ex.minY} has no spectrum (outside the sampled area).`);
    await expect(page.getByTestId('pixel-spectrum')).toHaveCount(0);
  }

  // after a reload the index is read back (no rebuild) and gives the same spectrum
  await page.reload();
  const main = page.locator('[data-testid=main-image] [data-testid=ion-viewer]');
  await expect(main).not.toHaveAttribute('data-rendered', '0', { timeout: 60_000 });
  await clickPixel(page, '[data-testid=main-image]', fx - ex.minX, fy - ex.minY, fx, fy);
  await expect(page.getByTestId('pixel-spectrum')).toHaveAttribute('data-n', String(want.mz.length), { timeout: 30_000 });
  await expect(page.getByTestId('spectrum-status')).toHaveCount(0);
  expect(errors.filter((e) => !/GPU stall due to ReadPixels/.test(e))).toEqual([]);
});

test('spectrum browser: a click on the Canvas2D renderer gives the pixel\'s spectrum too', { tag: '@canvas2d' }, async ({ page }) => {
  test.setTimeout(300_000);
  const errors = watchConsole(page);
  const ex = await readExample();
  await page.goto('/');
  await page.getByTestId('try-example').click();
  await expect(page.getByTestId('annotation-table')).toBeVisible({ timeout: 240_000 });
  const main = page.locator('[data-testid=main-image] [data-testid=ion-viewer]');
  await expect(main).toHaveAttribute('data-renderer', 'canvas', { timeout: 60_000 });
  // a pixel with peaks a third of the way through the file
  const [key, want] = [...ex.pixels.entries()][Math.floor(ex.pixels.size / 3)];
  const [fx, fy] = key.split(',').map(Number);
  await clickPixel(page, '[data-testid=main-image]', fx - ex.minX, fy - ex.minY, fx, fy);
  await expect(page.getByTestId('pixel-spectrum')).toHaveAttribute('data-n', String(want.mz.length), { timeout: 60_000 });
  expect((await csvOf(page)).mz).toEqual(want.mz);
  // a drag on the image pans; it is not a click (the caption stays on the clicked pixel)
  const box = (await main.locator('.stage').boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.3);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5, { steps: 5 });
  await page.mouse.up();
  await expect(page.getByTestId('spectrum-caption')).toContainText(`Pixel x ${fx}, y ${fy}:`);
  expect(errors).toEqual([]);
});
