// Issue 13, row click → paint: the page mounts a new ion viewer for every selected row. Creating a WebGL2 context
// per click cost ~100–200 ms under SwiftShader; the viewer now adopts the previous viewer's deck.gl context. This
// counts the WebGL2 contexts the page creates while the user walks down the table, and checks that every ion is
// still drawn (pixels on screen, not a blank or stale canvas) and that nothing errs.
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';

const SHOTS = '/tmp/s4-pagejob-shots';

async function countWebgl2(page: Page): Promise<number> {
  return page.evaluate(() => (globalThis as unknown as { __webgl2: number }).__webgl2);
}

/** Share of the stage's screenshot pixels that are coloured (the viridis map; the background is white/grey). */
async function colouredShare(page: Page, shot: string): Promise<number> {
  const buf = await page.getByTestId('main-image').locator('.stage').screenshot({ path: shot });
  const { decode } = await import('fast-png');
  const png = decode(buf);
  let n = 0;
  for (let p = 0; p < png.width * png.height; p++) {
    const r = png.data[p * png.channels], g = png.data[p * png.channels + 1], b = png.data[p * png.channels + 2];
    if (Math.max(r, g, b) - Math.min(r, g, b) > 30) n++;
  }
  return n / (png.width * png.height);
}

test('walking down the table reuses the WebGL context and draws every ion', async ({ page }) => {
  test.setTimeout(300_000);
  mkdirSync(SHOTS, { recursive: true });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.addInitScript(() => {
    const g = globalThis as unknown as { __webgl2: number };
    g.__webgl2 = 0;
    const orig = HTMLCanvasElement.prototype.getContext;
    HTMLCanvasElement.prototype.getContext = function (this: HTMLCanvasElement, type: string, ...rest: unknown[]) {
      if (type === 'webgl2') g.__webgl2++;
      return (orig as (...a: unknown[]) => RenderingContext | null).call(this, type, ...rest);
    } as typeof orig;
  });
  await page.goto('/');
  await page.getByTestId('try-example').click();
  await expect(page.getByTestId('annotation-table')).toBeVisible({ timeout: 240_000 });
  const viewer = page.getByTestId('ion-viewer');
  await expect(viewer).toHaveAttribute('data-renderer', 'webgl', { timeout: 60_000 });
  await expect(viewer).not.toHaveAttribute('data-rendered', '0', { timeout: 30_000 });
  const afterFirst = await countWebgl2(page);
  expect(afterFirst).toBeGreaterThan(0);
  const rows = page.getByTestId('table-row');
  expect(await rows.count()).toBeGreaterThan(4);
  const hashes = new Set<string>();
  for (let i = 1; i <= 4; i++) {
    const ion = (await rows.nth(i).getAttribute('data-ion'))!;
    await rows.nth(i).click();
    const main = page.getByTestId('main-image');
    await expect(main).toHaveAttribute('data-ion', new RegExp(`^${ion.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\|`), { timeout: 30_000 });
    await expect(page.getByTestId('ion-viewer')).not.toHaveAttribute('data-rendered', '0', { timeout: 30_000 });
    await expect(page.getByTestId('ion-viewer')).toHaveAttribute('data-renderer', 'webgl');
    hashes.add((await main.getAttribute('data-images'))!);
    expect(await colouredShare(page, `${SHOTS}/viewer-row-${i}.png`), `row ${i} (${ion}) is drawn`).toBeGreaterThan(0.02);
  }
  expect(hashes.size, 'four different ions were shown').toBe(4);
  // the probe and the first viewer made their contexts; the four clicks made none
  expect(await countWebgl2(page)).toBe(afterFirst);
  expect(errors).toEqual([]);
});
