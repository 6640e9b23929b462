// Shared steps of the e2e specs that drive the job form: upload a CSV database as the only one, and set the
// METASPACE parameters used by the fixture and the example (+H,+Na,+K, σ 0.000619, 3 ppm, 20 decoys).
import { expect, type Page } from '@playwright/test';

/** Opens an imzML + ibd pair by file pick and waits for the job form. */
export async function openPair(page: Page, imzml: string, ibd: string): Promise<void> {
  await page.goto('/');
  await page.getByTestId('file-input').setInputFiles([imzml, ibd]);
  await expect(page.getByTestId('job-form')).toBeVisible({ timeout: 60_000 });
}

/** Uploads `dbCsv` as the job's only database and sets positive mode, σ 0.000619, 3 ppm, 20 decoys. */
export async function setUpFixtureParams(page: Page, dbCsv: string, dbName: string): Promise<void> {
  await page.getByTestId('db-upload').setInputFiles(dbCsv);
  await expect(page.getByTestId('job-form')).toContainText(dbName);
  // only the uploaded DB: untick bundled ones
  for (const box of await page.getByTestId('job-form').locator('fieldset input[type=checkbox]:not([disabled])').all()) await box.uncheck();
  await page.getByTestId('polarity').selectOption('+');
  await page.getByTestId('rp-select').selectOption('0.000619');
  await page.getByTestId('ppm').fill('3');
  await page.getByTestId('decoys').fill('20');
  await expect(page.getByTestId('adducts')).toHaveValue('+H, +Na, +K');
}

/** Runs the bundled example from the welcome page and waits for its table and the first annotation's image. */
export async function runExample(page: Page): Promise<void> {
  await page.goto('/');
  await page.getByTestId('try-example').click();
  await expect(page.getByTestId('annotation-table')).toBeVisible({ timeout: 240_000 });
  await expect(page.getByTestId('main-image')).toBeVisible({ timeout: 60_000 });
}
