// Cancelling an ingest in the page (the library's Cancel button) at any moment — while the spectra are read,
// while segments are sorted and written, right at the last segment (the commit follows it at once) — leaves no
// dataset listed and no record of it in IndexedDB (no segments, blobs, pending marker or meta). The progress line
// shows MB/s and an ETA while the ibd is read. A generated ~70 MB pair is picked through the file input.
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateDataset } from '../../bench/ingest.ts';
import { allStoreKeys } from './storage-steps.ts';

const NAME = 'cancel-6000';
let files: { imzml: string; ibd: string };

test.beforeAll(async () => {
  const dir = path.join(tmpdir(), 'imzlens-e2e-ingest-cancel');
  mkdirSync(dir, { recursive: true });
  files = await generateDataset(dir, NAME, 6000, 1000, 100);
});

/**
 * Picks the pair, then clicks Cancel from inside the page (no round trip) as soon as the progress line matches.
 * Returns the progress text seen at the click.
 */
async function ingestAndCancel(page: Page, when: { stage: string; last?: boolean }): Promise<string> {
  const clicked = page.evaluate((w) => new Promise<string>((res, rej) => {
    const t0 = performance.now();
    const poll = () => {
      const box = document.querySelector('[data-testid=ingest-progress]');
      const text = box?.textContent?.replace(/\s+/g, ' ') ?? '';
      // while reading, wait for the rate to show (the first report may come before it can be measured)
      let hit = text.includes(w.stage) && (w.stage !== 'Reading spectra' || text.includes('MB/s'));
      if (hit && w.last) {
        const m = /(\d+) \/ (\d+)/.exec(text);
        hit = !!m && m[1] === m[2];
      }
      if (hit) {
        (document.querySelector('[data-testid=ingest-cancel]') as HTMLButtonElement).click();
        res(text);
      } else if (performance.now() - t0 > 120_000) rej(new Error(`never saw '${w.stage}'; last progress: ${text}`));
      else setTimeout(poll, 1);
    };
    poll();
  }), when);
  await page.getByTestId('file-input').setInputFiles([files.imzml, files.ibd]);
  const seen = await clicked;
  // the ingest ends (the progress box goes away) with the "cancelled" message
  await expect(page.getByTestId('ingest-progress')).toHaveCount(0, { timeout: 60_000 });
  await expect(page.getByTestId('open-message').last()).toContainText(`${NAME}: ingest cancelled; nothing was kept.`);
  return seen;
}

test.describe.configure({ timeout: 240_000 });

for (const when of [
  { stage: 'Reading spectra' },
  { stage: 'Sorting segments' },
  { stage: 'Sorting segments', last: true },
]) {
  test(`cancel during '${when.stage}'${when.last ? ' at the last segment (commit next)' : ''} keeps nothing`, async ({ page }) => {
    await page.goto('/');
    await page.getByTestId('file-input').waitFor({ state: 'attached' });
    expect(await allStoreKeys(page)).toEqual([]);
    const seen = await ingestAndCancel(page, when);
    if (when.stage === 'Reading spectra') expect(seen).toMatch(/MB\/s · ETA/);
    await page.screenshot({ path: `/tmp/s4-ingest-shots/cancel-${when.last ? 'last' : when.stage.split(' ')[0].toLowerCase()}.png` });
    // a moment later still nothing: no write of the cancelled ingest lands after the cleanup
    await page.waitForTimeout(1500);
    expect(await allStoreKeys(page)).toEqual([]);
    await expect(page.locator(`[data-testid=library-item][data-name="${NAME}"]`)).toHaveCount(0);
    // and after a reload (the library reads the store afresh)
    await page.reload();
    await page.getByTestId('file-input').waitFor({ state: 'attached' });
    await expect(page.locator(`[data-testid=library-item][data-name="${NAME}"]`)).toHaveCount(0);
    expect(await allStoreKeys(page)).toEqual([]);
  });
}

test('an ingest that is not cancelled is listed, and its records are those of one dataset', async ({ page }) => {
  await page.goto('/');
  await page.getByTestId('file-input').waitFor({ state: 'attached' });
  // every text the progress line shows (a quiet machine reads this 72 MB pair in well under a second, so waiting for
  // one particular frame would be a race)
  await page.evaluate(() => {
    const seen: string[] = ((window as unknown as { __progress: string[] }).__progress = []);
    new MutationObserver(() => {
      const t = document.querySelector('[data-testid=ingest-progress]')?.textContent?.replace(/\s+/g, ' ').trim();
      if (t && t !== seen.at(-1)) seen.push(t);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  await page.getByTestId('file-input').setInputFiles([files.imzml, files.ibd]);
  await expect(page.locator(`[data-testid=library-item][data-name="${NAME}"]`)).toHaveCount(1, { timeout: 120_000 });
  // the progress line of the byte stages: bytes and MB/s, and an ETA whenever the stage is not complete
  const seen = await page.evaluate(() => (window as unknown as { __progress: string[] }).__progress);
  const bytes = seen.map((t) => /(Reading imzML index|Sampling spectra|Reading spectra)….*?([\d.]+) MB of ([\d.]+) MB · [\d.]+ MB\/s( · ETA)?/.exec(t)).filter((m) => m !== null);
  console.log(`progress lines seen: ${seen.length}; with bytes: ${bytes.length}`);
  expect(bytes.some((m) => m![1] === 'Reading spectra')).toBe(true);
  for (const m of bytes) if (Number(m![2]) < Number(m![3])) expect(m![4], m![0]).toBe(' · ETA');
  const keys = (await allStoreKeys(page)).map((k) => JSON.parse(k) as unknown[]);
  const kinds = new Set(keys.map((k) => k[0]));
  expect([...kinds].sort()).toEqual(['blob', 'meta', 'seg']);
  expect(new Set(keys.map((k) => k[1])).size).toBe(1);
  await page.screenshot({ path: '/tmp/s4-ingest-shots/ingested.png' });
});
