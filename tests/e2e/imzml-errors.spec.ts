// Errors in the user's words (issue 19 item 4), as the page shows them: a text file renamed .imzML and an .ibd
// picked as the imzML are called what they are, first, with the file named once; a cut imzML keeps its precise
// message; the library stays as it was.
import { expect, test } from '@playwright/test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const TINY = path.resolve(import.meta.dirname, '../../../shared/data/metaspace/untreated_tiny');
const TINY_IMZML = path.join(TINY, 'Untreated_3_434_tiny.imzML');
const TINY_IBD = path.join(TINY, 'Untreated_3_434_tiny.ibd');
const SHOTS = '/tmp/g-shots';

let dir: string;
test.beforeAll(() => {
  if (!fs.existsSync(TINY_IMZML)) throw new Error(`shared data missing: ${TINY_IMZML}`);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'imzlens-e2e-errors-'));
  fs.mkdirSync(SHOTS, { recursive: true });
});
test.afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('a renamed text file, an ibd picked as imzML and a cut imzML: each message says what is wrong first', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('/');
  const messages = page.getByTestId('open-message');

  // a text file renamed .imzML (with an .ibd next to it, so the pair is complete)
  fs.writeFileSync(path.join(dir, 'notes.imzML'), 'Sample 434, untreated\nacquired on the second day\n');
  fs.copyFileSync(TINY_IBD, path.join(dir, 'notes.ibd'));
  await page.getByTestId('file-input').setInputFiles([path.join(dir, 'notes.imzML'), path.join(dir, 'notes.ibd')]);
  await expect(messages).toHaveCount(1, { timeout: 30_000 });
  const text = (await messages.first().textContent())!.trim();
  expect(text).toMatch(/^notes\.imzML is not an imzML file: it looks like plain text \(it starts "Sample 434, untreated"\)/);
  expect(text.split('notes').length - 1).toBe(1); // the name once
  expect(text).not.toMatch(/byte \d+|spectrumList|re-copy/);

  // the ibd itself picked (renamed) as the imzML
  fs.copyFileSync(TINY_IBD, path.join(dir, 'swapped.imzML'));
  fs.copyFileSync(TINY_IBD, path.join(dir, 'swapped.ibd'));
  await page.getByTestId('file-input').setInputFiles([path.join(dir, 'swapped.imzML'), path.join(dir, 'swapped.ibd')]);
  await expect(messages.filter({ hasText: 'swapped' })).toContainText(/^swapped\.imzML is not an imzML file: it looks like binary data.*\.ibd file/, { timeout: 30_000 });
  await expect(page.getByTestId('ingest-progress')).toHaveCount(0);
  await page.screenshot({ path: `${SHOTS}/errors-renamed.png` });

  // a real imzML cut short: the precise message, not "not an imzML file"
  const xml = fs.readFileSync(TINY_IMZML);
  fs.writeFileSync(path.join(dir, 'cut.imzML'), xml.subarray(0, Math.floor(xml.length * 0.6)));
  fs.copyFileSync(TINY_IBD, path.join(dir, 'cut.ibd'));
  await page.getByTestId('file-input').setInputFiles([path.join(dir, 'cut.imzML'), path.join(dir, 'cut.ibd')]);
  const cut = messages.filter({ hasText: 'cut.imzML' });
  await expect(cut).toContainText(/^cut\.imzML: the XML ends at byte \d+ before <\/spectrumList>/, { timeout: 30_000 });
  await expect(cut).not.toContainText('not an imzML file');
  await expect(page.getByTestId('library-item')).toHaveCount(0);
});
