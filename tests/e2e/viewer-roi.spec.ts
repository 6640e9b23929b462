// Regions of interest on the example job, in real Chromium with the mouse: a rectangle (drag) and a polygon
// (clicks, double-click) drawn on the main image; their statistics match values computed here from the image
// itself (the hover readout's exact floats of every pixel inside, membership by this file's own even-odd test);
// the ROIs survive a reload; the differential table sorts and a volcano point selects its annotation; a crossing
// outline and a region without pixel centres are refused with a message; Esc cancels; the CSV has the documented
// header and one line per ROI × annotation.
import { expect, test, type Page } from '@playwright/test';
import { runExample } from './job-form.ts';
import { strFromU8, unzipSync } from 'fflate';
import fs from 'node:fs';
import path from 'node:path';

const SHOTS = '/tmp/s4-roi-shots';
const STATS_HEADER = 'dataset,roi,roi_pixels,ion,formula,adduct,database,mz,fdr,msm,mean,median,sum,pct_pixels_with_signal';

function watchConsole(page: Page): string[] {
  const msgs: string[] = [];
  page.on('pageerror', (e) => msgs.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error' && !/favicon|GPU stall/.test(m.text())) msgs.push(`console: ${m.text()}`); });
  return msgs;
}

async function waitViewer(page: Page) {
  await expect(page.getByTestId('main-image')).toBeVisible({ timeout: 240_000 });
  await expect(page.getByTestId('ion-viewer')).not.toHaveAttribute('data-rendered', '0', { timeout: 30_000 });
  await expect(page.getByTestId('roi-overlay')).toBeVisible();
}

async function openSection(page: Page) {
  const sec = page.getByTestId('roi-section');
  if (!(await sec.evaluate((d) => (d as HTMLDetailsElement).open))) await sec.locator('summary').click();
}

interface Geo { x: number; y: number; scale: number; offX: number; offY: number; w: number; h: number }
/** The overlay's box and the viewer's image→screen transform (the overlay publishes it). */
async function geometry(page: Page): Promise<Geo> {
  const ov = page.getByTestId('roi-overlay');
  const box = (await ov.boundingBox())!;
  const [scale, offX, offY] = (await ov.getAttribute('data-transform'))!.split(',').map(Number);
  const [w, h] = (await page.getByTestId('ion-viewer').locator('.stage').getAttribute('data-view'))!.split('@')[0].split('x').map(Number);
  return { x: box.x, y: box.y, scale, offX, offY, w, h };
}
/** The geometry once the layout has settled (opening the ROI section or a late table can refit the viewer). */
async function stableGeometry(page: Page): Promise<Geo> {
  let prev = await geometry(page);
  for (let k = 0; k < 40; k++) {
    await page.waitForTimeout(250);
    const g = await geometry(page);
    if (JSON.stringify(g) === JSON.stringify(prev)) return g;
    prev = g;
  }
  throw new Error('the viewer never settled');
}
const screen = (g: Geo, ix: number, iy: number) => ({ x: g.x + g.offX + ix * g.scale, y: g.y + g.offY + iy * g.scale });

/** File coordinates of the top-left pixel (the readout shows file coordinates): from the first hover of the page. */
async function calibrate(page: Page, g: Geo, c: number, r: number): Promise<{ minX: number; minY: number }> {
  const p = screen(g, c + 0.5, r + 0.5);
  await page.mouse.move(p.x, p.y);
  const ro = page.getByTestId('hover-readout');
  await expect(ro).not.toHaveAttribute('data-x', '');
  return { minX: Number(await ro.getAttribute('data-x')) - c, minY: Number(await ro.getAttribute('data-y')) - r };
}

/** The exact stored float of image pixel (c, r) from the hover readout; null off the sample (no readout). */
async function valueAt(page: Page, g: Geo, o: { minX: number; minY: number }, c: number, r: number): Promise<number | null> {
  const p = screen(g, c + 0.5, r + 0.5);
  await page.mouse.move(p.x, p.y);
  const ro = page.getByTestId('hover-readout');
  const ok = await page.waitForFunction(([x, y]) => {
    const el = document.querySelector('[data-testid=hover-readout]');
    return el?.getAttribute('data-x') === x && el?.getAttribute('data-y') === y;
  }, [String(o.minX + c), String(o.minY + r)], { timeout: 1500 }).then(() => true, () => false);
  if (!ok) {
    // an off-sample pixel clears the readout
    await expect(ro).toHaveAttribute('data-value', '');
    return null;
  }
  return Number(await ro.getAttribute('data-value'));
}

function stats(values: number[]) {
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  const sum = values.reduce((a, b) => a + b, 0);
  return { n, mean: sum / n, median: n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2, sum, pct: (100 * values.filter((v) => v > 0).length) / n };
}

/** This test's own even-odd test (not the app's). */
function inside(poly: number[][], x: number, y: number): boolean {
  let c = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i], [xj, yj] = poly[j];
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) c = !c;
  }
  return c;
}

async function expectStats(page: Page, roiId: string, want: ReturnType<typeof stats>) {
  const row = page.getByTestId('roi-stats').locator(`tr[data-roi="${roiId}"]`);
  await expect(row).toBeVisible({ timeout: 30_000 });
  expect(Number(await row.getAttribute('data-n'))).toBe(want.n);
  const rel = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
  for (const [attr, v] of [['data-mean', want.mean], ['data-median', want.median], ['data-sum', want.sum], ['data-pct', want.pct]] as const) {
    const got = Number(await row.getAttribute(attr));
    expect(rel(got, v), `${attr}: ${got} vs ${v}`).toBe(true);
  }
}

test('ROIs: draw, statistics match the image, reload, differential, bad shapes, CSV', async ({ page }) => {
  test.setTimeout(300_000);
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.setViewportSize({ width: 1440, height: 1000 });
  const errors = watchConsole(page);
  await runExample(page);
  await waitViewer(page);
  await openSection(page);
  const ion = await page.getByTestId('main-image').getAttribute('data-ion');
  let g = await stableGeometry(page);
  expect(g.scale).toBeGreaterThan(2);
  console.log(`image ${g.w}×${g.h}, ${g.scale.toFixed(2)} CSS px per pixel`);

  // ---- rectangle: columns c0..c0+3, rows r0..r0+2 around the image centre
  const c0 = Math.floor(g.w / 2) - 2, r0 = Math.floor(g.h / 2) - 1;
  const o = await calibrate(page, g, c0, r0);
  const rectVals: number[] = [];
  for (let r = r0; r < r0 + 3; r++) for (let c = c0; c < c0 + 4; c++) { const v = await valueAt(page, g, o, c, r); if (v !== null) rectVals.push(v); }
  expect(rectVals.length).toBeGreaterThan(0);
  await page.getByTestId('roi-draw-rect').click();
  await expect(page.getByTestId('roi-overlay')).toHaveAttribute('data-mode', 'rect');
  g = await stableGeometry(page); // clicking the button may have scrolled the panel
  const a = screen(g, c0 + 0.5, r0 + 0.5), b = screen(g, c0 + 3.5, r0 + 2.5);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 4 });
  await page.mouse.move(b.x, b.y, { steps: 4 });
  await page.mouse.up();
  await expect(page.getByTestId('roi-item')).toHaveCount(1);
  await expect(page.getByTestId('roi-overlay')).toHaveAttribute('data-mode', 'none');
  const rectId = (await page.getByTestId('roi-item').first().getAttribute('data-roi'))!;
  await expect(page.getByTestId('roi-item').first()).toHaveAttribute('data-pixels', String(rectVals.length));
  await expectStats(page, rectId, stats(rectVals));
  await expect(page.getByTestId('roi-stats')).toHaveAttribute('data-ion', ion!);

  // ---- polygon: a triangle left of/above the rectangle (vertices away from pixel centres)
  g = await stableGeometry(page);
  const pc = Math.max(0, c0 - 6), pr = Math.max(0, r0 - 5);
  // clicks land on whole CSS pixels: aim at whole pixels and take the vertices the app will see from them
  const aim = [[pc + 0.2, pr + 0.2], [pc + 6.9, pr + 1.3], [pc + 1.2, pr + 5.8]].map(([x, y]) => screen(g, x, y)).map((p) => ({ x: Math.round(p.x), y: Math.round(p.y) }));
  const poly = aim.map((p) => [(p.x - g.x - g.offX) / g.scale, (p.y - g.y - g.offY) / g.scale]);
  const polyVals: number[] = [];
  for (let r = pr; r < pr + 6; r++) {
    for (let c = pc; c < pc + 7; c++) {
      if (!inside(poly, c + 0.5, r + 0.5)) continue;
      const v = await valueAt(page, g, o, c, r);
      if (v !== null) polyVals.push(v);
    }
  }
  await page.getByTestId('roi-draw-polygon').click();
  expect(await stableGeometry(page)).toEqual(g); // the vertices were aimed with g
  for (const [k, p] of aim.entries()) {
    if (k < aim.length - 1) await page.mouse.click(p.x, p.y);
    else await page.mouse.dblclick(p.x, p.y);
  }
  await expect(page.getByTestId('roi-item')).toHaveCount(2);
  const polyItem = page.getByTestId('roi-item').nth(1);
  await expect(polyItem).toHaveAttribute('data-kind', 'polygon');
  await expect(polyItem).toHaveAttribute('data-pixels', String(polyVals.length));
  const polyId = (await polyItem.getAttribute('data-roi'))!;
  await expectStats(page, polyId, stats(polyVals));
  await page.screenshot({ path: `${SHOTS}/1-drawn.png` });

  // ---- rename (kept), then reload keeps both
  await page.getByTestId('roi-name').first().fill('tissue box');
  await page.getByTestId('roi-name').first().press('Enter');
  await expect(page.getByTestId('roi-stats').locator(`tr[data-roi="${rectId}"] td`).first()).toHaveText('tissue box');
  await expect(page.getByTestId('roi-overlay').locator('text.label').first()).toHaveText('tissue box');
  await expect(page.getByTestId('roi-panel')).toHaveAttribute('data-saving', '0'); // stored before the reload
  await page.reload();
  await waitViewer(page);
  await openSection(page);
  await expect(page.getByTestId('roi-item')).toHaveCount(2);
  await expect(page.getByTestId('roi-name').first()).toHaveValue('tissue box');
  await expectStats(page, rectId, stats(rectVals));

  // ---- bad shapes: a crossing outline, a sliver between pixel centres, Esc
  await page.getByTestId('roi-draw-polygon').click();
  g = await stableGeometry(page);
  const bow = [[c0, r0], [c0 + 4, r0], [c0, r0 + 3], [c0 + 4, r0 + 3]].map(([x, y]) => screen(g, x + 0.2, y + 0.2));
  for (const [k, p] of bow.entries()) {
    if (k < bow.length - 1) await page.mouse.click(p.x, p.y);
    else await page.mouse.dblclick(p.x, p.y);
  }
  await expect(page.getByTestId('roi-message')).toContainText('the outline crosses itself');
  await expect(page.getByTestId('roi-item')).toHaveCount(2);
  await page.screenshot({ path: `${SHOTS}/2-crossing.png` });
  // still drawing: a thin triangle between two rows of pixel centres (y from r0 + 0.6 to r0 + 0.95) holds none
  await expect(page.getByTestId('roi-overlay')).toHaveAttribute('data-mode', 'polygon');
  const sliver = [[c0, r0 + 0.6], [c0 + 4, r0 + 0.6], [c0 + 2, r0 + 0.95]].map(([x, y]) => screen(g, x, y));
  await page.mouse.click(sliver[0].x, sliver[0].y);
  await page.mouse.click(sliver[1].x, sliver[1].y);
  await page.keyboard.press('Enter'); // only 2 vertices: "needs 3 points"
  await expect(page.getByTestId('roi-message')).toContainText('at least 3 points');
  await page.mouse.click(sliver[0].x, sliver[0].y);
  await page.mouse.click(sliver[1].x, sliver[1].y);
  await page.mouse.dblclick(sliver[2].x, sliver[2].y);
  await expect(page.getByTestId('roi-message')).toContainText('no sample pixels');
  await page.mouse.click(bow[0].x, bow[0].y);
  await expect(page.getByTestId('roi-overlay')).toHaveAttribute('data-vertices', '1');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('roi-overlay')).toHaveAttribute('data-mode', 'none');
  await expect(page.getByTestId('roi-item')).toHaveCount(2);
  // the viewer still shows its image
  await expect(page.getByTestId('main-image')).toBeVisible();

  // ---- CSV of the statistics
  const nAnn = Number((await page.getByTestId('roi-stats-csv').textContent())!.match(/\((\d+) annotations/)![1]);
  expect(nAnn).toBeGreaterThan(1);
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('roi-stats-csv').click()]);
  const csv = fs.readFileSync((await dl.path())!, 'utf8').trim().split('\n');
  expect(csv[0]).toBe(STATS_HEADER);
  expect(csv.length).toBe(1 + nAnn * 2);
  expect(csv.some((l) => l.includes(',tissue box,'))).toBe(true);

  // ---- differential: tissue box vs rest; sorting; the volcano selects an annotation
  await page.getByTestId('roi-diff-a').selectOption(rectId);
  await page.getByTestId('roi-diff-run').click();
  const table = page.getByTestId('roi-diff-table');
  await expect(table.locator('tbody tr')).toHaveCount(nAnn, { timeout: 60_000 });
  const col = async (attr: string) => (await table.locator('tbody tr').evaluateAll((rows, a) => rows.map((r) => Number(r.getAttribute(a))), attr));
  const sorted = (xs: number[], desc: boolean) => xs.every((x, i) => i === 0 || (desc ? xs[i - 1] >= x : xs[i - 1] <= x));
  // default: AUC descending; click → ascending; log2 FC → descending
  expect(sorted(await col('data-auc'), true)).toBe(true);
  await page.getByTestId('roi-sort-auc').click();
  await expect(table).toHaveAttribute('data-sort', 'auc:asc');
  expect(sorted(await col('data-auc'), false)).toBe(true);
  await page.getByTestId('roi-sort-log2fc').click();
  await expect(table).toHaveAttribute('data-sort', 'log2fc:desc');
  const fc = await col('data-log2fc');
  expect(sorted(fc, true)).toBe(true);
  expect(new Set(fc).size).toBeGreaterThan(1);
  for (const v of [...fc, ...(await col('data-auc'))]) expect(Number.isFinite(v)).toBe(true);
  // the volcano: one point per annotation; clicking one selects it in the viewer
  const points = page.getByTestId('roi-volcano').locator('circle.pt');
  await expect(points).toHaveCount(nAnn);
  const target = await table.locator('tbody tr').last().getAttribute('data-id');
  expect(target).not.toBe(await page.getByTestId('main-image').getAttribute('data-ion'));
  await page.getByTestId('roi-volcano').locator(`circle[data-id="${target}"]`).click();
  await expect(page.getByTestId('main-image')).toHaveAttribute('data-ion', target!, { timeout: 30_000 });
  await expect(page.getByTestId('roi-stats')).toHaveAttribute('data-ion', target!);
  await page.getByTestId('roi-section').scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS}/3-differential.png`, fullPage: true });
  await page.getByTestId('roi-section').screenshot({ path: `${SHOTS}/4-panel.png` });

  // ---- delete
  await page.getByTestId('roi-delete').nth(1).click();
  await expect(page.getByTestId('roi-item')).toHaveCount(1);
  await expect(page.getByTestId('roi-panel')).toHaveAttribute('data-saving', '0'); // stored before the reload
  await page.reload();
  await waitViewer(page);
  await openSection(page);
  await expect(page.getByTestId('roi-item')).toHaveCount(1);
  expect(errors, errors.join('\n')).toEqual([]);
});

test('a result bundle carries the ROIs; opened elsewhere, their statistics are the same', async ({ page, browser }) => {
  test.setTimeout(300_000);
  await page.setViewportSize({ width: 1440, height: 1000 });
  const errors = watchConsole(page);
  await runExample(page);
  await waitViewer(page);
  await openSection(page);
  await page.getByTestId('roi-draw-rect').click();
  const g = await stableGeometry(page);
  // a 5×4 rectangle on the upper tissue
  const c0 = Math.floor(g.w / 2) - 6, r0 = Math.floor(g.h / 2) - 7;
  const a = screen(g, c0 + 0.5, r0 + 0.5), b = screen(g, c0 + 4.5, r0 + 3.5);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(b.x, b.y, { steps: 5 });
  await page.mouse.up();
  await expect(page.getByTestId('roi-item')).toHaveCount(1);
  const n = await page.getByTestId('roi-item').getAttribute('data-pixels');
  const row = page.getByTestId('roi-stats').locator('tbody tr');
  await expect(row).toHaveCount(1, { timeout: 30_000 });
  const want = await row.evaluate((r) => ['data-n', 'data-mean', 'data-median', 'data-sum', 'data-pct'].map((k) => r.getAttribute(k)));

  await page.getByTestId('share-open').click();
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('bundle-download').click()]);
  const bundlePath = (await dl.path())!;
  const files = unzipSync(new Uint8Array(fs.readFileSync(bundlePath)));
  const rois = JSON.parse(strFromU8(files['rois.json'])).rois;
  expect(rois).toEqual([expect.objectContaining({ name: 'ROI 1', shape: { kind: 'rect', x: c0, y: r0, w: 5, h: 4 } })]);
  await page.getByTestId('share-close').click();

  const ctx = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  const p2 = await ctx.newPage();
  const err2 = watchConsole(p2);
  await p2.goto('/');
  await p2.getByTestId('file-input').setInputFiles({ name: 'example.imzlens.zip', mimeType: 'application/zip', buffer: fs.readFileSync(bundlePath) });
  await expect(p2.getByTestId('shared-banner')).toContainText('Shared result');
  await waitViewer(p2);
  await openSection(p2);
  await expect(p2.getByTestId('roi-item')).toHaveCount(1);
  await expect(p2.getByTestId('roi-item')).toHaveAttribute('data-pixels', n!);
  const row2 = p2.getByTestId('roi-stats').locator('tbody tr');
  await expect(row2).toHaveCount(1, { timeout: 30_000 });
  expect(await row2.evaluate((r) => ['data-n', 'data-mean', 'data-median', 'data-sum', 'data-pct'].map((k) => r.getAttribute(k)))).toEqual(want);
  // the differential runs on the bundle's images too
  await p2.getByTestId('roi-diff-run').click();
  await expect(p2.getByTestId('roi-diff-table').locator('tbody tr').first()).toBeVisible({ timeout: 30_000 });
  await p2.getByTestId('roi-section').screenshot({ path: `${SHOTS}/5-bundle.png` });
  expect(err2, err2.join('\n')).toEqual([]);
  await ctx.close();
  expect(errors, errors.join('\n')).toEqual([]);
});

test('the overlay follows the Canvas2D renderer too: a dragged rectangle holds the pixels under it', { tag: '@canvas2d' }, async ({ page }) => {
  test.setTimeout(300_000);
  await page.setViewportSize({ width: 1280, height: 900 });
  const errors = watchConsole(page);
  await page.goto('/');
  await page.getByTestId('try-example').click();
  await expect(page.getByTestId('annotation-table')).toBeVisible({ timeout: 240_000 });
  await waitViewer(page);
  await expect(page.getByTestId('ion-viewer')).toHaveAttribute('data-renderer', 'canvas');
  await openSection(page);
  let g = await stableGeometry(page);
  const c0 = Math.floor(g.w / 2) + 2, r0 = Math.floor(g.h / 2) - 3;
  const ion = await page.getByTestId('main-image').getAttribute('data-ion');
  const o = await calibrate(page, g, c0, r0);
  const vals: number[] = [];
  for (let r = r0; r < r0 + 2; r++) for (let c = c0; c < c0 + 3; c++) { const v = await valueAt(page, g, o, c, r); if (v !== null) vals.push(v); }
  await page.getByTestId('roi-draw-rect').click();
  g = await stableGeometry(page); // clicking the button may have scrolled the panel
  const a = screen(g, c0 + 0.5, r0 + 0.5), b = screen(g, c0 + 2.5, r0 + 1.5);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(b.x, b.y, { steps: 5 });
  await page.mouse.up();
  await expect(page.getByTestId('roi-item')).toHaveAttribute('data-pixels', String(vals.length));
  await expectStats(page, (await page.getByTestId('roi-item').getAttribute('data-roi'))!, stats(vals));
  expect(errors, errors.join('\n')).toEqual([]);
});

test.afterAll(() => {
  if (fs.existsSync(SHOTS)) console.log(`screenshots in ${path.resolve(SHOTS)}`);
});
