// Layout from 1024 px to 4K (issue 19 point 5): with the example's job finished, a screenshot at each size into
// test-reports/layout/, and the key controls must be fully inside the window and not cut off by the panel that holds
// them (each scrolled into view first: a panel may scroll, but nothing may stick out of it or of the window); the
// resolving-power select must show its whole label; the share dialog opens as a modal over the page.
import { expect, test, type Page } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';

const OUT = path.resolve(import.meta.dirname, '../../test-reports/layout');
const SIZES = [[1024, 768], [1280, 720], [1440, 900], [1920, 1080], [3840, 2160]] as const;
/** Controls a user needs to see whole at every size (selectors of the page's own test ids and panels). */
const KEY = [
  'run-job', 'rp-select', 'analysis-version', 'run-on', 'polarity', 'try-example', 'filter-fdr', 'annotation-table', 'share-open',
  'ion-viewer', 'scale-select', 'cmap-select', 'export-png', 'range-min', 'range-max', 'range-lock',
  'isotope-plot', 'metrics', 'thumbs',
];

interface Problem { key: string; what: string }

/** For each key control: scroll it into view, then compare its box with the window's and with every clipping ancestor's. */
function measure(page: Page, keys: string[]): Promise<Problem[]> {
  return page.evaluate((keys) => {
    const out: { key: string; what: string }[] = [];
    // undo any programmatic scroll of boxes the user cannot scroll (overflow hidden)
    for (const e of document.querySelectorAll<HTMLElement>('*')) if (e.scrollLeft || (e.scrollTop && !/auto|scroll/.test(getComputedStyle(e).overflowY))) { e.scrollLeft = 0; if (!/auto|scroll/.test(getComputedStyle(e).overflowY)) e.scrollTop = 0; }
    const W = window.innerWidth, H = window.innerHeight, tol = 1;
    const box = (r: DOMRect) => `${Math.round(r.left)},${Math.round(r.top)} ${Math.round(r.width)}×${Math.round(r.height)}`;
    for (const key of keys) {
      const el = document.querySelector(key === 'thumbs' ? '.thumbs' : `[data-testid=${key}]`) as HTMLElement | null;
      if (!el) { out.push({ key, what: 'missing' }); continue; }
      // a user can scroll a panel up and down (overflow-y auto/scroll), so bring the control into view of each such panel
      // around it, innermost first;
      // never scrollIntoView: it also scrolls overflow-hidden boxes and would hide exactly the cut-offs we look for
      for (let a = el.parentElement; a; a = a.parentElement) {
        if (!/auto|scroll/.test(getComputedStyle(a).overflowY)) continue;
        const p = a.getBoundingClientRect(), q = el.getBoundingClientRect();
        if (q.bottom > p.bottom) a.scrollTop += Math.min(q.bottom - p.bottom, q.top - p.top);
        else if (q.top < p.top) a.scrollTop -= p.top - q.top;
      }
      const r = el.getBoundingClientRect();
      if (r.width < 2 || r.height < 2) { out.push({ key, what: `collapsed ${box(r)}` }); continue; }
      // a whole control fits the window; a big one (the table) at least starts inside it and fits its width
      const tall = r.height > H * 0.6;
      if (r.left < -tol || r.right > W + tol || r.top < -tol || (!tall && r.bottom > H + tol)) out.push({ key, what: `outside the ${W}×${H} window: ${box(r)}` });
      for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
        const cs = getComputedStyle(a);
        if (cs.overflowX === 'visible' && cs.overflowY === 'visible') continue;
        const p = a.getBoundingClientRect();
        const cutX = r.left < p.left - tol || r.right > p.right + tol;
        const cutY = !tall && (r.top < p.top - tol || r.bottom > p.bottom + tol);
        if (cutX || cutY) { out.push({ key, what: `cut by <${a.tagName.toLowerCase()} class="${a.className}"> ${box(p)}: control ${box(r)}` }); break; }
      }
      if (el instanceof HTMLSelectElement) {
        // the chosen option's label must fit (minus the arrow): "RP 140 000 @2" was cut
        const g = document.createElement('canvas').getContext('2d')!;
        const cs = getComputedStyle(el);
        g.font = `${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
        const text = el.selectedOptions[0]?.text ?? '';
        const need = g.measureText(text).width + parseFloat(cs.paddingLeft) + parseFloat(cs.paddingRight) + 18;
        if (need > el.clientWidth + tol) out.push({ key, what: `label "${text}" needs ${Math.round(need)} px, select is ${el.clientWidth} px` });
      }
    }
    return out;
  }, keys);
}

test('layout at 1024×768 … 3840×2160: key controls whole and inside the window; share dialog is a modal', async ({ page }) => {
  test.setTimeout(300_000);
  fs.mkdirSync(OUT, { recursive: true });
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('/');
  await page.getByTestId('try-example').click();
  await expect(page.locator('[data-testid=main-image] [data-testid=ion-viewer]')).toBeVisible({ timeout: 240_000 });
  await expect(page.getByTestId('ion-viewer')).not.toHaveAttribute('data-rendered', '', { timeout: 60_000 });
  const report: string[] = [];
  const hovered: number[][] = [];
  for (const [w, h] of SIZES) {
    await page.setViewportSize({ width: w, height: h });
    await page.waitForTimeout(700);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(OUT, `${w}x${h}.png`) });
    const problems = await measure(page, KEY);
    report.push(`${w}×${h}: ${problems.length ? problems.map((p) => `${p.key}: ${p.what}`).join('; ') : 'ok'}`);
    // the page itself never scrolls sideways
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), `${w}×${h} sideways scroll`).toBe(true);
    // the share dialog: a modal over the page, centred, not a strip in the left column
    await page.getByTestId('share-open').click();
    const panel = page.getByTestId('share-panel');
    await expect(panel).toBeVisible();
    const b = (await panel.boundingBox())!;
    await page.screenshot({ path: path.join(OUT, `${w}x${h}-share.png`) });
    expect(b.x + b.width / 2, `${w}×${h} share dialog centred`).toBeGreaterThan(w * 0.4);
    expect(b.x + b.width / 2).toBeLessThan(w * 0.6);
    expect(b.width).toBeGreaterThanOrEqual(Math.min(480, w - 40));
    expect(b.y + b.height).toBeLessThanOrEqual(h);
    await page.keyboard.press('Escape');
    await expect(panel).toBeHidden();
    expect.soft(problems, `${w}×${h}`).toEqual([]);
    // the pointer mapping is the same at every size (the page's zoom at 4K must not shift it): walking left from the
    // centre of the fitted, centred image, the first tissue pixel met is the same at every size, within 3 pixels (the
    // centre row can round to a neighbour row, where the hole in the tissue is narrower); a 1.5× zoom error would put
    // it 9+ pixels away on this 35-pixel-wide image
    // After a resize the viewer may still be refitting (or, where the layout moves it, starting its renderer again):
    // wait until it has drawn, and walk again a few times before calling the mapping broken.
    await expect(page.locator('[data-testid=main-image] [data-testid=ion-viewer]')).not.toHaveAttribute('data-rendered', /^0?$/, { timeout: 30_000 });
    const readout = page.getByTestId('hover-readout');
    let found: number[] | null = null;
    for (let attempt = 0; attempt < 5 && !found; attempt++) {
      if (attempt) await page.waitForTimeout(1000);
      await page.locator('[data-testid=main-image] .stage').scrollIntoViewIfNeeded();
      const stage = (await page.locator('[data-testid=main-image] .stage').boundingBox())!;
      const cy = stage.y + stage.height / 2;
      for (let dx = 0; dx < stage.width / 2 - 4 && !found; dx += 2) {
        await page.mouse.move(stage.x + stage.width / 2 - dx, cy);
        await page.waitForTimeout(20);
        const x = await readout.getAttribute('data-x');
        if (x) found = [Number(x), Number(await readout.getAttribute('data-y'))];
      }
    }
    expect(found, `${w}×${h}: no tissue pixel left of the image centre`).not.toBeNull();
    hovered.push(found!);
  }
  fs.writeFileSync(path.join(OUT, 'report.txt'), `${report.join('\n')}\n`);
  console.log(report.join('\n'));
  console.log(`pixel hovered at each size: ${hovered.map((p) => p.join(',')).join(' | ')}`);
  for (const p of hovered) {
    expect(Math.abs(p[0] - hovered[0][0]), hovered.join(' | ')).toBeLessThanOrEqual(3);
    expect(Math.abs(p[1] - hovered[0][1]), hovered.join(' | ')).toBeLessThanOrEqual(3);
  }
});
