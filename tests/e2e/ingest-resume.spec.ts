// Resuming an interrupted ingest in the page. A generated ~290 MB pair (about 365 MB of segments: two passes over the
// ibd under the worker's 384 MB peak budget) is ingested once without interruption (the reference: a digest of every
// stored record). Then, in fresh browser contexts, the ingest is interrupted — by a reload, and by closing the page
// (its worker killed) while the second pass reads — after IndexedDB holds a resume record; the next page lists it as
// "Interrupted ingest: N %", Resume asks for the files again and continues, and the stored records equal the
// reference's byte for byte (segments, mask, TIC, meta but its id and createdAt). Re-picking a wrong file names what
// differs and keeps the interrupted ingest; Discard leaves nothing of it in IndexedDB, and a dataset stored before is
// untouched. An ingest running in another tab (it holds a Web Lock) is neither offered nor removed by a second tab.
import { expect, test, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateDataset } from '../../bench/ingest.ts';
import { allStoreKeys } from './storage-steps.ts';

const NAME = 'resume-24k';
const OTHER = 'resume-other';
const SHOTS = '/tmp/resume-ingest-shots';
let files: { imzml: string; ibd: string };
let other: { imzml: string; ibd: string };
let reference: Digests | null = null;

test.describe.configure({ mode: 'serial', timeout: 900_000 });

test.beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  const dir = path.join(tmpdir(), 'imzlens-e2e-ingest-resume');
  mkdirSync(dir, { recursive: true });
  files = await generateDataset(dir, NAME, 24000, 1000, 150);
  other = await generateDataset(dir, OTHER, 2000, 1000, 50);
});

interface Digests { keys: string[]; segs: Record<string, string>; blobs: Record<string, string>; meta: unknown }

/** SHA-256 of every stored record of dataset `id` (read from IndexedDB in the page), keyed without the id. */
async function digests(page: Page, id: string): Promise<Digests> {
  return page.evaluate(async (id) => {
    const db = await new Promise<IDBDatabase>((res, rej) => { const o = indexedDB.open('imzlens'); o.onsuccess = () => res(o.result); o.onerror = () => rej(o.error); });
    const req = <T,>(r: IDBRequest<T>) => new Promise<T>((res, rej) => { r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); });
    const os = () => db.transaction('datasets').objectStore('datasets');
    const keys = ((await req(os().getAllKeys())) as unknown as unknown[][]).filter((k) => k[1] === id);
    const hex = async (b: ArrayBuffer | Uint8Array<ArrayBuffer>) => Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', b)), (x) => x.toString(16).padStart(2, '0')).join('');
    const out = { keys: keys.map((k) => JSON.stringify([k[0], ...k.slice(2)])).sort(), segs: {} as Record<string, string>, blobs: {} as Record<string, string>, meta: null as unknown };
    for (const k of keys) {
      const v = await req(os().get(k as IDBValidKey));
      if (k[0] === 'seg') { const r = v as { n: number; bytes: ArrayBuffer }; out.segs[String(k[2])] = `${r.n}:${await hex(r.bytes)}`; }
      else if (k[0] === 'blob') out.blobs[String(k[2])] = await hex(v as Uint8Array<ArrayBuffer>);
      else if (k[0] === 'meta') { const { id: _i, createdAt: _c, ...rest } = v as Record<string, unknown>; out.meta = rest; }
    }
    db.close();
    return out;
  }, id);
}

interface Rec { id: string; nextBucket: number; nBuckets: number; bucketsPerPass: number }

/** Waits (polling IndexedDB from the page) for a stored resume record that satisfies `when`. */
async function waitForRecord(page: Page, when: { minBucket: number }): Promise<Rec> {
  return page.evaluate((w) => new Promise<Rec>((res, rej) => {
    const t0 = performance.now();
    const poll = () => {
      const o = indexedDB.open('imzlens');
      o.onsuccess = () => {
        const db = o.result;
        if (!db.objectStoreNames.contains('datasets')) { db.close(); setTimeout(poll, 50); return; }
        const r = db.transaction('datasets').objectStore('datasets').getAll(IDBKeyRange.bound(['resume'], ['resume', []]));
        r.onsuccess = () => {
          db.close();
          const rec = (r.result as Rec[])[0];
          if (rec && rec.nextBucket >= w.minBucket) res(rec);
          else if (performance.now() - t0 > 600_000) rej(new Error(`no resume record with bucket >= ${w.minBucket}; last ${JSON.stringify(rec && { ...rec, segments: undefined, bounds: undefined })}`));
          else setTimeout(poll, 50);
        };
      };
    };
    poll();
  }), when);
}

async function openPage(page: Page): Promise<void> {
  await page.goto('/');
  await page.getByTestId('file-input').waitFor({ state: 'attached' });
}

/** Every text the progress box shows from now on (window.__progress). */
async function recordProgress(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: string[] = ((window as unknown as { __progress: string[] }).__progress = []);
    new MutationObserver(() => {
      const t = document.querySelector('[data-testid=ingest-progress]')?.textContent?.replace(/\s+/g, ' ').trim();
      if (t && t !== seen.at(-1)) seen.push(t);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
}

async function resumeWith(page: Page, picks: string[]): Promise<void> {
  const chooser = page.waitForEvent('filechooser');
  await page.getByTestId('interrupted-resume').click();
  await (await chooser).setFiles(picks);
}

/** The interrupted entry after a new page load; returns its percent. */
async function expectInterrupted(page: Page, shot: string): Promise<number> {
  const entry = page.locator(`[data-testid=interrupted-ingest][data-name="${NAME}"]`);
  await expect(entry).toHaveCount(1, { timeout: 30_000 });
  const text = (await entry.getByTestId('interrupted-status').textContent()) ?? '';
  const m = /^Interrupted ingest: (\d+) %$/.exec(text.trim());
  expect(m, text).not.toBeNull();
  await expect(page.locator(`[data-testid=library-item][data-name="${NAME}"]`)).toHaveCount(0);
  await page.screenshot({ path: `${SHOTS}/${shot}.png` });
  return Number(m![1]);
}

/** Resumes with the right files and checks the result against the reference; `rec` is the record it resumes from. */
async function resumeAndCompare(page: Page, rec: Rec, shot: string): Promise<void> {
  await recordProgress(page);
  await resumeWith(page, [files.imzml, files.ibd]);
  await expect(page.getByTestId('ingest-note')).toContainText('resumed at m/z bucket', { timeout: 60_000 });
  await page.screenshot({ path: `${SHOTS}/${shot}-progress.png` });
  await expect(page.locator(`[data-testid=library-item][data-name="${NAME}"]`)).toHaveCount(1, { timeout: 600_000 });
  await expect(page.getByTestId('interrupted-ingest')).toHaveCount(0);
  await page.screenshot({ path: `${SHOTS}/${shot}-done.png` });
  const seen = await page.evaluate(() => (window as unknown as { __progress: string[] }).__progress);
  // the sort continues from the resumed bucket: no segment count below it
  const sorts = seen.map((t) => /Sorting segments….*?(\d+) \/ (\d+)/.exec(t)).filter((m) => m !== null).map((m) => Number(m![1]));
  console.log(`resumed from bucket ${rec.nextBucket + 1} of ${rec.nBuckets}; progress lines ${seen.length}; sort counts ${sorts.join(',')}`);
  for (const s of sorts) expect(s).toBeGreaterThan(rec.nextBucket);
  expect(seen.some((t) => /Reading spectra….*MB\/s · ETA/.test(t)), seen.join('\n')).toBe(true);
  // one dataset, complete: no pending marker or resume record left, and the same bytes as the uninterrupted ingest
  const keys = (await allStoreKeys(page)).map((k) => JSON.parse(k) as unknown[]);
  expect(new Set(keys.map((k) => k[0]))).toEqual(new Set(['seg', 'blob', 'meta']));
  expect(new Set(keys.map((k) => k[1]))).toEqual(new Set([rec.id]));
  const got = await digests(page, rec.id);
  expect(got.keys).toEqual(reference!.keys);
  expect(got.segs).toEqual(reference!.segs);
  expect(got.blobs).toEqual(reference!.blobs);
  expect(got.meta).toEqual(reference!.meta);
}

test('the uninterrupted ingest (reference records)', async ({ page }) => {
  await openPage(page);
  await page.getByTestId('file-input').setInputFiles([files.imzml, files.ibd]);
  // while it runs: a resume record, planned for two passes
  const rec = await waitForRecord(page, { minBucket: 0 });
  expect(rec.bucketsPerPass).toBeLessThan(rec.nBuckets);
  await expect(page.locator(`[data-testid=library-item][data-name="${NAME}"]`)).toHaveCount(1, { timeout: 600_000 });
  const keys = (await allStoreKeys(page)).map((k) => JSON.parse(k) as unknown[]);
  expect(keys.some((k) => k[0] === 'resume' || k[0] === 'pending')).toBe(false);
  reference = await digests(page, rec.id);
  expect(Object.keys(reference.segs).length).toBeGreaterThanOrEqual(20);
  expect(Object.keys(reference.blobs).sort()).toEqual(['mask', 'tic']);
});

test('reload mid-ingest → Interrupted ingest: N % → Resume with the same files → identical records', async ({ page }) => {
  await openPage(page);
  await page.getByTestId('file-input').setInputFiles([files.imzml, files.ibd]);
  await waitForRecord(page, { minBucket: 1 });
  await page.reload();
  await page.getByTestId('file-input').waitFor({ state: 'attached' });
  // the record as the new page finds it (the reload may have come after a later one was stored)
  const rec = await waitForRecord(page, { minBucket: 1 });
  const pct = await expectInterrupted(page, 'reload-interrupted');
  expect(Math.abs(pct - (100 * rec.nextBucket) / rec.nBuckets)).toBeLessThanOrEqual(0.5);
  expect(pct).toBeGreaterThan(0);
  expect(pct).toBeLessThan(100);
  await resumeAndCompare(page, rec, 'reload');
});

test('page closed (worker killed) during the second pass → a new page resumes → identical records', async ({ context }) => {
  const page = await context.newPage();
  await openPage(page);
  await page.getByTestId('file-input').setInputFiles([files.imzml, files.ibd]);
  // into the second pass over the ibd: reading past half of the two passes' bytes
  await page.evaluate(() => new Promise<void>((res, rej) => {
    const t0 = performance.now();
    const poll = () => {
      const t = document.querySelector('[data-testid=ingest-progress]')?.textContent?.replace(/\s+/g, ' ') ?? '';
      const m = /Reading spectra….*?([\d.]+) MB of ([\d.]+) MB/.exec(t);
      if (m && Number(m[1]) > 0.6 * Number(m[2])) res();
      else if (performance.now() - t0 > 600_000) rej(new Error(`never reached the second pass; last: ${t}`));
      else setTimeout(poll, 5);
    };
    poll();
  }));
  await page.close();
  const next = await context.newPage();
  await openPage(next);
  const rec = await waitForRecord(next, { minBucket: 1 });
  console.log(`killed in pass 2: record at bucket ${rec.nextBucket} of ${rec.nBuckets} (${rec.bucketsPerPass} per pass)`);
  await expectInterrupted(next, 'closed-interrupted');
  await resumeAndCompare(next, rec, 'closed');
});

test('a wrong file is named and the interrupted ingest kept; Discard removes all it wrote, other datasets untouched', async ({ page }) => {
  await openPage(page);
  // a dataset stored before
  await page.getByTestId('file-input').setInputFiles([other.imzml, other.ibd]);
  await expect(page.locator(`[data-testid=library-item][data-name="${OTHER}"]`)).toHaveCount(1, { timeout: 300_000 });
  const before = await allStoreKeys(page);
  const otherId = (JSON.parse(before[0]) as unknown[])[1] as string;
  const otherDigests = await digests(page, otherId);

  await page.getByTestId('file-input').setInputFiles([files.imzml, files.ibd]);
  await waitForRecord(page, { minBucket: 1 });
  await page.reload();
  await page.getByTestId('file-input').waitFor({ state: 'attached' });
  await expectInterrupted(page, 'wrong-before');
  const interruptedKeys = await allStoreKeys(page);

  // the other pair's ibd instead of this one's
  await resumeWith(page, [files.imzml, other.ibd]);
  const msg = page.getByTestId('open-message').last();
  await expect(msg).toContainText(`cannot resume the ingest of ${NAME}: ${OTHER}.ibd has`, { timeout: 60_000 });
  await expect(msg).toContainText(`the interrupted ingest's ibd ${NAME}.ibd had`);
  await page.screenshot({ path: `${SHOTS}/wrong-file.png` });
  await expect(page.getByTestId('interrupted-ingest')).toHaveCount(1);
  expect((await allStoreKeys(page)).sort()).toEqual(interruptedKeys.sort());

  // only one file: asks for both
  await resumeWith(page, [files.imzml]);
  await expect(page.getByTestId('open-message').last()).toContainText(`to resume, pick the two files of the interrupted ingest again: ${NAME}.imzML and ${NAME}.ibd`);

  page.once('dialog', (d) => void d.accept());
  await page.getByTestId('interrupted-discard').click();
  await expect(page.getByTestId('interrupted-ingest')).toHaveCount(0);
  expect((await allStoreKeys(page)).sort()).toEqual(before.sort());
  expect(await digests(page, otherId)).toEqual(otherDigests);
  await page.reload();
  await expect(page.locator(`[data-testid=library-item][data-name="${OTHER}"]`)).toHaveCount(1);
  await expect(page.getByTestId('interrupted-ingest')).toHaveCount(0);
  expect((await allStoreKeys(page)).sort()).toEqual(before.sort());
  await page.screenshot({ path: `${SHOTS}/discarded.png` });
});

test('an ingest running in another tab is neither offered for resume nor removed there', async ({ context }) => {
  const a = await context.newPage();
  await openPage(a);
  await a.getByTestId('file-input').setInputFiles([files.imzml, files.ibd]);
  await waitForRecord(a, { minBucket: 1 });
  // a second tab opens while the first one ingests: its library sees the pending dataset but the ingest's lock too
  const b = await context.newPage();
  await openPage(b);
  await b.waitForTimeout(3000);
  await expect(b.getByTestId('interrupted-ingest')).toHaveCount(0);
  await b.screenshot({ path: `${SHOTS}/other-tab.png` });
  // the first tab finishes its ingest untouched
  await expect(a.locator(`[data-testid=library-item][data-name="${NAME}"]`)).toHaveCount(1, { timeout: 600_000 });
  const id = (await allStoreKeys(a)).map((k) => JSON.parse(k) as unknown[]).find((k) => k[0] === 'meta' && (k[1] as string).startsWith(NAME))![1] as string;
  expect(await digests(a, id)).toEqual(reference);
  await b.reload();
  await expect(b.locator(`[data-testid=library-item][data-name="${NAME}"]`)).toHaveCount(1);
  await expect(b.getByTestId('interrupted-ingest')).toHaveCount(0);
});
