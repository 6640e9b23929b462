// Ion image viewer on a synthetic Float32Array (through harness.html): renders a non-blank image with
// both renderers, and the hover readout shows the file coordinates and the exact stored float.
import { expect, test, type Page } from '@playwright/test';
import { decode } from 'fast-png';

const W = 63;
const H = 47;
const MIN_X = 11; // file coordinates of the top-left pixel
const MIN_Y = 5;
// A gradient with non-round float32 values; a block of off-sample pixels at the top-left corner.
function makeImage() {
  const values: number[] = [];
  const mask: number[] = [];
  for (let r = 0; r < H; r++) {
    for (let c = 0; c < W; c++) {
      values.push(Math.fround(1000 + c * 37.3 + r * 11.7 + (c % 5) * 0.123));
      mask.push(r < 4 && c < 4 ? 0 : 1);
    }
  }
  return { values, mask };
}

async function showImage(page: Page, query = '') {
  const errors: string[] = [];
  // the harness page has no favicon: ignore that one 404, report any other console error
  page.on('console', (m) => { if (m.type() === 'error' && !/favicon/.test(m.location().url)) errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`/harness.html${query}`);
  await expect(page.locator('body')).toHaveAttribute('data-ready', '1');
  const img = makeImage();
  await page.evaluate((spec) => (window as any).imzlensHarness.showIonImage(spec), { width: W, height: H, ...img, minX: MIN_X, minY: MIN_Y });
  await expect(page.getByTestId('ion-viewer')).not.toHaveAttribute('data-rendered', '0');
  return { img, errors };
}

/** Screen position of the centre of image pixel (c, r) when the viewer fits the image (96 % of the stage). */
async function pixelCentre(page: Page, c: number, r: number) {
  const box = (await page.locator('[data-testid=ion-viewer] .stage').boundingBox())!;
  const inner = { w: box.width - 2, h: box.height - 2 }; // 1px border
  const s = Math.min(inner.w / W, inner.h / H) * 0.96;
  const x0 = box.x + 1 + (inner.w - W * s) / 2;
  const y0 = box.y + 1 + (inner.h - H * s) / 2;
  return { x: x0 + (c + 0.5) * s, y: y0 + (r + 0.5) * s };
}

function distinctColours(png: Buffer): number {
  const im = decode(png);
  const seen = new Set<number>();
  const ch = im.channels;
  for (let i = 0; i < im.width * im.height; i++) {
    const d = im.data;
    seen.add((d[i * ch] << 16) | (d[i * ch + 1] << 8) | d[i * ch + 2]);
  }
  return seen.size;
}

for (const renderer of ['webgl', 'canvas'] as const) {
  test(`viewer (${renderer}) renders a non-blank image and hover shows the exact value`, { tag: renderer === 'canvas' ? ['@canvas2d'] : [] }, async ({ page }) => {
    const { img, errors } = await showImage(page);
    await expect(page.getByTestId('ion-viewer')).toHaveAttribute('data-renderer', renderer);
    const shot = await page.locator('[data-testid=ion-viewer] .stage').screenshot();
    // a viridis gradient over 63×47 pixels: far more than a handful of colours
    expect(distinctColours(shot)).toBeGreaterThan(50);

    for (const [c, r] of [[10, 20], [62, 46], [31, 0], [4, 4]]) {
      const p = await pixelCentre(page, c, r);
      await page.mouse.move(p.x, p.y);
      const readout = page.getByTestId('hover-readout');
      await expect(readout).toHaveAttribute('data-x', String(MIN_X + c));
      await expect(readout).toHaveAttribute('data-y', String(MIN_Y + r));
      await expect(readout).toHaveAttribute('data-value', String(img.values[r * W + c]));
    }
    // off-sample pixel: no value
    const off = await pixelCentre(page, 1, 1);
    await page.mouse.move(off.x, off.y);
    await expect(page.getByTestId('hover-readout')).toHaveAttribute('data-value', '');
    expect(errors.filter((e) => !/GPU stall due to ReadPixels/.test(e))).toEqual([]);
  });
}

test('viewer: colormap and scale switch re-render; off-sample pixels are transparent', { tag: '@canvas2d' }, async ({ page }) => {
  await showImage(page);
  await expect(page.getByTestId('ion-viewer')).toHaveAttribute('data-renderer', 'canvas');
  const stage = page.locator('[data-testid=ion-viewer] .stage');
  const before = await stage.screenshot();
  await page.getByTestId('cmap-select').selectOption('greys');
  await page.getByTestId('scale-select').selectOption('hist');
  const after = await stage.screenshot();
  expect(after.equals(before)).toBe(false);
  // greys: a centre pixel is grey (r = g = b)
  const im = decode(after);
  const box = (await stage.boundingBox())!;
  const p = await pixelCentre(page, 31, 23);
  const ix = Math.round(p.x - box.x);
  const iy = Math.round(p.y - box.y);
  const o = (iy * im.width + ix) * im.channels;
  expect(im.data[o]).toBe(im.data[o + 1]);
  expect(im.data[o + 1]).toBe(im.data[o + 2]);
  // off-sample (0,0): the checkerboard background shows through (#eef0f3 or #fff), not a colormap grey
  const q = await pixelCentre(page, 0, 0);
  const o2 = (Math.round(q.y - box.y) * im.width + Math.round(q.x - box.x)) * im.channels;
  const rgb = [im.data[o2], im.data[o2 + 1], im.data[o2 + 2]].join(',');
  expect(['238,240,243', '255,255,255']).toContain(rgb);
});

test('PNG export: image at integer scale with label and colour bar', async ({ page }) => {
  await showImage(page, '');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-png').click()]);
  expect(download.suggestedFilename()).toMatch(/\.png$/);
  const fs = await import('node:fs');
  const png = decode(fs.readFileSync(await download.path()));
  // 63×47 image scaled by floor(800 / 63) = 12 → 756 px wide, plus margins, title, 2 caption lines (scale/colormap,
  // normalisation), scale bar (26) and colour bar (54)
  const head = 26 + 2 * 16 + 8;
  expect(png.width).toBe(756 + 32);
  expect(png.height).toBe(16 + head + 47 * 12 + 26 + 54 + 16);
  expect(distinctColours(Buffer.from(fs.readFileSync(await download.path())))).toBeGreaterThan(100);
  // the colour bar's left end is viridis(0) = #440154
  const ch = png.channels;
  const y = 16 + head + 47 * 12 + 26 + 14 + 7;
  const o = (y * png.width + 18) * ch;
  expect([png.data[o], png.data[o + 1], png.data[o + 2]]).toEqual([0x44, 0x01, 0x54]);
});

test('annotation table: 10,000 rows stay virtual, scroll and keyboard are fast', async ({ page }) => {
  await page.goto('/harness.html');
  await expect(page.locator('body')).toHaveAttribute('data-ready', '1');
  const t0 = Date.now();
  await page.evaluate(() => (window as any).imzlensHarness.showTable(10_000));
  await expect(page.getByTestId('annotation-table')).toHaveAttribute('data-rows', '10000');
  const mountMs = Date.now() - t0;
  // only the visible rows (+ overscan) are in the DOM
  expect(await page.getByTestId('table-row').count()).toBeLessThan(60);
  // End jumps to the last row, which is then rendered and selected
  await page.getByTestId('table-body').focus();
  await page.keyboard.press('End');
  await expect(page.locator('[data-testid=table-row].sel')).toHaveAttribute('data-ion', 'C9999H19998O+H+');
  // 200 ArrowUp presses: each re-renders the window; time them
  const t1 = Date.now();
  for (let i = 0; i < 200; i++) await page.keyboard.press('ArrowUp');
  await expect(page.locator('[data-testid=table-row].sel')).toHaveAttribute('data-ion', 'C9799H19598O+H+');
  const keyMs = (Date.now() - t1) / 200;
  // sorting 10k rows by m/z ascending puts row 0 first
  await page.locator('.head .cell', { hasText: 'm/z' }).click();
  await page.getByTestId('table-body').focus();
  await page.keyboard.press('Home');
  await expect(page.locator('[data-testid=table-row].sel')).toHaveAttribute('data-ion', 'C0H0O+H+');
  await expect(page.getByTestId('table-row').first()).toHaveAttribute('data-ion', 'C0H0O+H+');
  console.log(`table 10k rows: mount ${mountMs} ms, ${keyMs.toFixed(1)} ms per ArrowUp (incl. Playwright round trip)`);
  expect(keyMs).toBeLessThan(100);
});
