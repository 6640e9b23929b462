// The viewer's display tools in the real page on a real job (the reference fixture, ../shared/fixtures/annotate):
// TIC toggle → hovered value = the pixel's ion intensity ÷ its TIC × 10⁶, both read here straight from the files;
// norm=tic in the URL; the lock holds across two annotations; two annotations from the table in the overlay with
// their names in the legend; the PNG button downloads a captioned picture. Screenshots in /tmp/s4-view-shots.
import { expect, test, type Page } from '@playwright/test';
import { decode } from 'fast-png';
import fs from 'node:fs';
import path from 'node:path';
import { openPair, setUpFixtureParams } from './job-form.ts';

const SHARED = path.resolve(import.meta.dirname, '../../../shared');
const FX = path.join(SHARED, 'fixtures/annotate');
const SHOTS = '/tmp/s4-view-shots';

/** Pixel (x, y)'s spectrum from the fixture files: its m/z ± ppm intensity (float32 sum) and its TIC (f64 sum → f32). */
function pixelFromFiles(x: number, y: number, mz: number, ppm: number): { ion: number; tic: number } {
  const xml = fs.readFileSync(path.join(FX, 'fixture.imzML'), 'utf8');
  const ibd = fs.readFileSync(path.join(FX, 'fixture.ibd'));
  for (const block of xml.split('<spectrum ').slice(1)) {
    const px = /name="position x" value="(\d+)"/.exec(block);
    const py = /name="position y" value="(\d+)"/.exec(block);
    if (!px || !py || Number(px[1]) !== x || Number(py[1]) !== y) continue;
    const arrays = block.split('<binaryDataArray ').slice(1).map((a) => ({
      ref: /ref="(\w+)"/.exec(a)![1],
      len: Number(/name="external array length" value="(\d+)"/.exec(a)![1]),
      off: Number(/name="external offset" value="(\d+)"/.exec(a)![1]),
    }));
    const m = arrays.find((a) => a.ref === 'mzArray')!;
    const it = arrays.find((a) => a.ref === 'intensityArray')!;
    const lo = mz - (mz * ppm) / 1e6;
    const hi = mz + (mz * ppm) / 1e6;
    let ion = 0;
    let tic = 0;
    for (let k = 0; k < m.len; k++) {
      const v = ibd.readDoubleLE(m.off + 8 * k);
      const i = ibd.readFloatLE(it.off + 4 * k);
      tic += i;
      if (v >= lo && v <= hi) ion = Math.fround(ion + i);
    }
    return { ion, tic: Math.fround(tic) };
  }
  return { ion: 0, tic: 0 };
}

async function runFixtureJob(page: Page) {
  await openPair(page, path.join(FX, 'fixture.imzML'), path.join(FX, 'fixture.ibd'));
  await setUpFixtureParams(page, path.join(FX, 'fixture_db.csv'), 'fixture_db');
  await page.getByTestId('run-job').click();
  await expect(page.getByTestId('annotation-table')).toBeVisible({ timeout: 240_000 });
  // the selected annotation's viewer (before the job the page shows the dataset's TIC image in one)
  await expect(page.getByTestId('main-image')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('ion-viewer')).not.toHaveAttribute('data-rendered', '0', { timeout: 30_000 });
}

test('page: TIC toggle, lock across annotations, overlay from the table, PNG export', async ({ page }) => {
  test.setTimeout(400_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await runFixtureJob(page);
  const viewer = page.getByTestId('ion-viewer');
  const main = page.getByTestId('main-image');
  const mz = Number(await main.getAttribute('data-mz'));
  const ppm = Number(await main.getAttribute('data-ppm'));
  // the fixture states no pixel size: the scale bar counts pixels and says so
  await expect(page.getByTestId('scale-bar')).toContainText('no pixel size in file');

  // 1. TIC normalisation
  const thumbsBefore = await page.locator('.thumbs').screenshot();
  await page.getByTestId('tic-toggle').check();
  await expect(viewer).toHaveAttribute('data-norm', 'tic');
  await expect(page).toHaveURL(/[?&]norm=tic/);
  await expect(page.getByTestId('colorbar-units')).toContainText('TIC-normalised');
  const box = (await viewer.locator('.stage').boundingBox())!;
  const readout = page.getByTestId('hover-readout');
  let nonZero = 0;
  for (const [fx, fy] of [[0.5, 0.5], [0.45, 0.55], [0.6, 0.4], [0.3, 0.7]]) {
    await page.mouse.move(box.x + box.width * fx, box.y + box.height * fy);
    await expect(readout).not.toHaveAttribute('data-x', '');
    const x = Number(await readout.getAttribute('data-x'));
    const y = Number(await readout.getAttribute('data-y'));
    const { ion, tic } = pixelFromFiles(x, y, mz, ppm);
    const expected = tic > 0 ? Math.fround((ion / tic) * 1e6) : 0;
    await expect(readout).toHaveAttribute('data-value', String(expected));
    if (expected > 0) nonZero++;
  }
  expect(nonZero).toBeGreaterThan(0);
  // thumbnails follow the normalisation
  await expect.poll(async () => (await page.locator('.thumbs').screenshot()).equals(thumbsBefore)).toBe(false);
  await page.screenshot({ path: `${SHOTS}/app-tic.png` });
  // a reload keeps it (URL state)
  await page.reload();
  await expect(page.getByTestId('ion-viewer')).toHaveAttribute('data-norm', 'tic', { timeout: 60_000 });
  await expect(page.getByTestId('tic-toggle')).toBeChecked();

  // 2. lock across two annotations (TIC-normalised units)
  await expect(page.getByTestId('ion-viewer')).not.toHaveAttribute('data-rendered', '0', { timeout: 30_000 });
  const range1 = (await page.getByTestId('ion-viewer').getAttribute('data-range'))!;
  await page.getByTestId('range-lock').check();
  await expect(page.getByTestId('lock-info')).toContainText('TIC-normalised');
  const rows = page.getByTestId('table-row');
  const ion1 = (await page.getByTestId('main-image').getAttribute('data-ion'))!;
  await rows.nth(1).click();
  await expect(page.getByTestId('main-image')).not.toHaveAttribute('data-ion', ion1, { timeout: 30_000 });
  await expect(page.getByTestId('ion-viewer')).not.toHaveAttribute('data-rendered', '0', { timeout: 30_000 });
  await expect(page.getByTestId('ion-viewer')).toHaveAttribute('data-range', range1);
  await expect(page.getByTestId('range-lock')).toBeChecked();
  await page.screenshot({ path: `${SHOTS}/app-lock.png` });
  await page.getByTestId('range-lock').uncheck();

  // 3. overlay: the second row and the first
  await page.getByTestId('overlay-add').click();
  await expect(page.getByTestId('overlay-image')).toBeVisible({ timeout: 30_000 });
  await page.getByTestId('overlay-show').uncheck();
  await rows.nth(0).click();
  await expect(page.getByTestId('main-image')).toHaveAttribute('data-ion', ion1, { timeout: 30_000 });
  await page.getByTestId('overlay-add').click();
  await expect(page.getByTestId('overlay-channel')).toHaveCount(2, { timeout: 30_000 });
  const names = await page.getByTestId('table-row').evaluateAll((els) => els.slice(0, 2).map((e) => e.getAttribute('data-ion')));
  for (const n of names) await expect(page.getByTestId('overlay-legend')).toContainText(n!);
  const ov = page.getByTestId('ion-viewer');
  await expect(ov).toHaveAttribute('data-overlay', '2');
  await expect(ov).not.toHaveAttribute('data-rendered', '0', { timeout: 30_000 });
  await page.mouse.move(0, 0);
  await page.screenshot({ path: `${SHOTS}/app-overlay.png` });

  // 8. PNG export of the overlay view
  const dl = page.waitForEvent('download');
  await page.getByTestId('export-png').click();
  const d = await dl;
  expect(d.suggestedFilename()).toMatch(/overlay.*\.png$/);
  const png = fs.readFileSync((await d.path())!);
  fs.writeFileSync(`${SHOTS}/app-export-overlay.png`, png);
  const im = decode(png);
  expect(im.width).toBeGreaterThanOrEqual(460);
  expect(im.height).toBeGreaterThan(im.width * 0.5);
  expect(errors).toEqual([]);
});
