// The viewer panel as a scientist meets it after the example job: at every window size its controls, colour-bar
// labels, range sliders, thumbnails and isotope-plot labels are inside the panel (nothing cut off); the first
// ion image is fitted before it is painted; switching datasets leaves no WebGL "deleted object" warning;
// molecule names link to their database entry; the PNG export has a safe file name.
import { expect, test, type Locator, type Page } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';

const SHARED = path.resolve(import.meta.dirname, '../../../shared');
const TINY = path.join(SHARED, 'data/metaspace/untreated_tiny');
const TINY_IMZML = path.join(TINY, 'Untreated_3_434_tiny.imzML');
const TINY_IBD = path.join(TINY, 'Untreated_3_434_tiny.ibd');
const SHOTS = process.env.SHOT_DIR ?? '';

const SIZES: [number, number][] = [[1024, 768], [1100, 800], [1280, 720], [1440, 900], [1920, 1080]];

function watchConsole(page: Page): string[] {
  const msgs: string[] = [];
  page.on('console', (m) => msgs.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => msgs.push(`pageerror: ${e.message}`));
  return msgs;
}

async function runExample(page: Page) {
  await page.getByTestId('try-example').click();
  await expect(page.getByTestId('annotation-table')).toBeVisible({ timeout: 240_000 });
  await expect(page.getByTestId('main-image')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('ion-viewer')).not.toHaveAttribute('data-rendered', '0', { timeout: 30_000 });
}

type Box = { x: number; y: number; width: number; height: number };
async function box(l: Locator): Promise<Box> {
  const b = await l.boundingBox();
  if (!b) throw new Error(`no box for ${l}`);
  return b;
}
const inside = (b: Box, outer: Box, tol = 1) =>
  b.x >= outer.x - tol && b.y >= outer.y - tol && b.x + b.width <= outer.x + outer.width + tol && b.y + b.height <= outer.y + outer.height + tol;

/** True when the element's own text is wider than its box (text-overflow or clipping). */
async function textClipped(l: Locator): Promise<boolean> {
  return l.evaluate((el) => el.scrollWidth > el.clientWidth + 1);
}

/** Checks that every part of the viewer panel is inside the panel and readable; `tag` names the case. */
async function checkPanel(page: Page, tag: string) {
  const detail = page.locator('section.detail');
  // the panel never needs horizontal scrolling
  expect(await detail.evaluate((el) => el.scrollWidth - el.clientWidth), `${tag}: horizontal overflow`).toBeLessThanOrEqual(1);
  const viewer = page.getByTestId('ion-viewer');
  const parts: [string, Locator][] = [
    ['scale select', page.getByTestId('scale-select')], ['colormap select', page.getByTestId('cmap-select')],
    ['Fit', viewer.getByRole('button', { name: 'Fit' })], ['PNG', page.getByTestId('export-png')],
    ['colour bar', viewer.locator('.colorbar .bar')],
    ['colour-bar min', viewer.locator('.ticks span').first()], ['colour-bar max', viewer.locator('.ticks span').last()],
    ['min slider', page.getByTestId('range-min')], ['max slider', page.getByTestId('range-max')],
    ['lock', page.getByTestId('range-lock')], ['Reset', viewer.getByRole('button', { name: 'Reset' })],
  ];
  for (const [name, l] of parts) {
    await l.scrollIntoViewIfNeeded();
    const vb = await box(l);
    const pb = await box(detail);
    expect(inside(vb, pb), `${tag}: ${name} ${JSON.stringify(vb)} inside panel ${JSON.stringify(pb)}`).toBe(true);
    expect(vb.width, `${tag}: ${name} has a width`).toBeGreaterThan(4);
  }
  for (const [name, l] of [['colour-bar min', viewer.locator('.ticks span').first()], ['colour-bar max', viewer.locator('.ticks span').last()]] as const) {
    expect(await textClipped(l), `${tag}: ${name} text clipped`).toBe(false);
  }
  const stage = await box(viewer.locator('.stage'));
  expect(stage.height, `${tag}: stage height`).toBeGreaterThanOrEqual(180);
  // thumbnails: each one inside the panel, its label not cut
  const thumbs = page.locator('.thumbs .thumb');
  const n = await thumbs.count();
  expect(n).toBeGreaterThan(1);
  for (let i = 0; i < n; i++) {
    const t = thumbs.nth(i);
    await t.scrollIntoViewIfNeeded();
    expect(inside(await box(t), await box(detail)), `${tag}: thumbnail ${i}`).toBe(true);
    expect(await textClipped(t.locator('span')), `${tag}: thumbnail ${i} label clipped`).toBe(false);
    expect(inside(await box(t.locator('span')), await box(t)), `${tag}: thumbnail ${i} label inside`).toBe(true);
  }
  // isotope plot: every m/z label inside the plot and at least 7 px tall on screen, no two overlapping
  const plot = page.getByTestId('isotope-plot');
  await plot.scrollIntoViewIfNeeded();
  const pb = await box(plot);
  expect(inside(pb, await box(detail)), `${tag}: isotope plot inside panel`).toBe(true);
  const labels = await plot.locator('text.mzlabel').all();
  expect(labels.length).toBeGreaterThan(1);
  const lbs = await Promise.all(labels.map(box));
  for (const [i, b] of lbs.entries()) {
    expect(inside(b, pb), `${tag}: isotope label ${i}`).toBe(true);
    expect(b.height, `${tag}: isotope label ${i} height`).toBeGreaterThanOrEqual(7);
    for (const c of lbs.slice(i + 1)) {
      const apart = b.x + b.width <= c.x || c.x + c.width <= b.x || b.y + b.height <= c.y || c.y + c.height <= b.y;
      expect(apart, `${tag}: isotope labels ${i} overlap`).toBe(true);
    }
  }
  await detail.evaluate((el) => el.scrollTo(0, 0));
}

test('viewer panel fits its box at 1024×768 … 1920×1080 and in panel boxes 380…1000 px wide', async ({ page }) => {
  test.setTimeout(400_000);
  const log = watchConsole(page);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('/');
  await runExample(page);
  for (const [w, h] of SIZES) {
    await page.setViewportSize({ width: w, height: h });
    await page.waitForTimeout(300);
    const pb = await box(page.locator('section.detail'));
    // where the page grid puts the panel is the page layout's business; reported here, not asserted
    console.log(`${w}×${h}: viewer panel ${Math.round(pb.width)}×${Math.round(pb.height)} at x ${Math.round(pb.x)}${pb.x + pb.width > w + 1 ? ' (extends past the window)' : ''}`);
    await checkPanel(page, `${w}×${h}`);
    if (SHOTS) {
      fs.mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: path.join(SHOTS, `viewer-${w}x${h}.png`) });
    }
  }
  // the panel in boxes of given widths, whatever the page grid does: the right column is pinned to W px
  await page.setViewportSize({ width: 1440, height: 900 });
  const pin = await page.addStyleTag({ content: '/* panel width pin */' });
  for (const pw of [380, 460, 600, 1000]) {
    await pin.evaluate((el, w) => { el.textContent = `main { grid-template-columns: minmax(0, 1fr) ${w}px !important; }`; }, pw);
    await page.waitForTimeout(300);
    const pb = await box(page.locator('section.detail'));
    expect(Math.abs(pb.width - pw), `panel pinned to ${pw} px`).toBeLessThanOrEqual(2);
    await checkPanel(page, `panel ${pw} px`);
    if (SHOTS) await page.locator('section.detail').screenshot({ path: path.join(SHOTS, `viewer-panel-${pw}px.png`) });
  }
  expect(log.filter((m) => /^(error|pageerror)/.test(m))).toEqual([]);
});

for (const renderer of ['webgl', 'canvas'] as const) {
  test(`the first ion image is fitted before it is painted (${renderer}): no zoomed-in or stretched frame`, { tag: renderer === 'canvas' ? ['@canvas2d'] : [] }, async ({ page }) => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto('/');
    // every animation frame, record each visible viewer canvas: its CSS box, its drawing buffer and the view
    // the renderer reports in data-view ("<image w>x<image h>@<screen px per image px>")
    await page.evaluate(() => {
      const w = window as unknown as { fitLog: string[] };
      w.fitLog = [];
      const tick = () => {
        for (const stage of document.querySelectorAll('[data-testid=ion-viewer] .stage')) {
          const c = stage.querySelector('canvas');
          const view = stage.getAttribute('data-view');
          if (!c || !view || getComputedStyle(c).visibility === 'hidden') continue;
          w.fitLog.push([view, stage.clientWidth, stage.clientHeight, c.clientWidth, c.clientHeight, c.width, c.height].join(' '));
        }
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    await runExample(page);
    await expect(page.locator('[data-testid=main-image] [data-testid=ion-viewer]')).toHaveAttribute('data-renderer', renderer);
    await page.waitForTimeout(500);
    const fitLog = await page.evaluate(() => (window as unknown as { fitLog: string[] }).fitLog);
    expect(fitLog.length).toBeGreaterThan(0);
    // rAF runs before layout and the renderers' ResizeObservers: a state seen in one sample only may be fixed
    // before it is painted; a state seen in two consecutive frames has been on screen
    const painted = fitLog.filter((e, i) => i > 0 && e === fitLog[i - 1]);
    expect(painted.length).toBeGreaterThan(0);
    for (const entry of painted) {
      const [view, ...nums] = entry.split(' ');
      const [sw, sh, cw, ch, bw, bh] = nums.map(Number);
      const [dims, s] = view.split('@');
      const [iw, ih] = dims.split('x').map(Number);
      // the canvas covers the stage and its buffer is not stretched
      expect(Math.abs(cw - sw), `${entry}: canvas width = stage`).toBeLessThanOrEqual(1);
      expect(Math.abs(ch - sh), `${entry}: canvas height = stage`).toBeLessThanOrEqual(1);
      expect(Math.abs(bw / bh - cw / ch), `${entry}: buffer aspect`).toBeLessThan(0.02);
      // the image fits the stage (not zoomed in) and fills it (not a tiny first frame)
      expect(iw * Number(s), entry).toBeLessThanOrEqual(sw + 0.5);
      expect(ih * Number(s), entry).toBeLessThanOrEqual(sh + 0.5);
      expect(Math.max((iw * Number(s)) / sw, (ih * Number(s)) / sh), `${entry}: fitted`).toBeGreaterThan(0.9);
    }
  });
}

test('switching datasets and ions leaves no WebGL deleted-object warning', async ({ page }) => {
  test.setTimeout(300_000);
  if (!fs.existsSync(TINY_IMZML)) throw new Error(`shared data missing: ${TINY_IMZML}`);
  const log = watchConsole(page);
  await page.goto('/');
  await runExample(page);
  await expect(page.getByTestId('ion-viewer')).toHaveAttribute('data-renderer', 'webgl');
  await page.getByTestId('file-input').setInputFiles([TINY_IMZML, TINY_IBD]);
  const tiny = page.getByTestId('library-item').filter({ hasText: 'Untreated_3_434_tiny' });
  const example = page.getByTestId('library-item').filter({ hasText: 'example' });
  await expect(tiny).toBeVisible({ timeout: 30_000 });
  for (let k = 0; k < 3; k++) {
    await tiny.click();
    await expect(page.locator('.dshead')).toContainText('Untreated_3_434_tiny');
    await expect(page.getByTestId('ion-viewer')).not.toHaveAttribute('data-rendered', '0', { timeout: 20_000 });
    await page.mouse.move(10, 10);
    await example.click();
    await expect(page.getByTestId('main-image')).toBeVisible({ timeout: 60_000 });
    await expect(page.getByTestId('ion-viewer')).not.toHaveAttribute('data-rendered', '0', { timeout: 20_000 });
    // another ion and another isotope image in the same viewer
    await page.getByTestId('table-body').focus();
    await page.keyboard.press('ArrowDown');
    await page.locator('.thumbs .thumb').nth(1).click();
    const st = await box(page.getByTestId('ion-viewer').locator('.stage'));
    await page.mouse.move(st.x + st.width / 2, st.y + st.height / 2);
    await page.waitForTimeout(300);
  }
  await page.waitForTimeout(500);
  const bad = log.filter((m) => /deleted object|bindTexture|INVALID_OPERATION/i.test(m));
  expect(bad).toEqual([]);
});

test('molecule names link to their database entry in a new tab; PNG export name has no spaces', async ({ page }) => {
  test.setTimeout(300_000);
  // wide enough for the table's Molecules column (it hides itself in a narrow middle column)
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.goto('/');
  await runExample(page);
  const links = page.getByTestId('molecule-link');
  await expect(links.first()).toBeVisible();
  const n = await links.count();
  for (let i = 0; i < n; i++) {
    const a = links.nth(i);
    await expect(a).toHaveAttribute('href', /^https:\/\/hmdb\.ca\/metabolites\/HMDB\d{7}$/);
    await expect(a).toHaveAttribute('target', '_blank');
    await expect(a).toHaveAttribute('rel', /noopener/);
  }
  // the table's molecule column links the row's first molecule the same way
  const tl = page.getByTestId('table-molecule-link').first();
  await expect(tl).toHaveAttribute('href', /^https:\/\/hmdb\.ca\/metabolites\/HMDB\d{7}$/);
  await expect(tl).toHaveAttribute('target', '_blank');
  await expect(tl).toHaveAttribute('rel', /noopener/);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-png').click()]);
  expect(download.suggestedFilename()).toMatch(/^[^\s/\\:*?"<>|]+\.png$/);
});
