// `npx tsx bench/viewer-spectrum.ts [--dist <dir>] [--port <n>]`: the spectrum browser on the bench's 100k-pixel
// dataset (bench/data/interactive/sim-472.*, see bench/interactive.ts) in Chromium: ingest into IndexedDB, then
// the first pixel click (builds the spectrum index: reads every segment once), further pixel clicks, the mean
// spectrum, and m/z → image. Page-side figures come from the page's own timers (data-ms, "shown in … ms");
// wall figures from Node include Playwright's round trips. Not part of the default bench run (one ingest ≈ 1 min).
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ingestOnce } from './page.ts';
import { launch, preview } from './page-browser.ts';

const repo = resolve(fileURLToPath(import.meta.url), '../..');
const arg = (name: string) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : undefined; };
const dist = resolve(arg('--dist') ?? join(repo, 'dist'));
if (arg('--port')) process.env.BENCH_PORT = arg('--port');
const data = join(repo, 'bench/data/interactive');
const files = [join(data, 'sim-472.imzML'), join(data, 'sim-472.ibd')];
for (const f of files) if (!existsSync(f)) throw new Error(`${f} is missing: link the bench dataset first (see bench/interactive.ts)`);
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
const log = (s: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${s}`);


/** In the page: arms a timer from the next pointerup until `cond` (a selector test, see below) holds and a frame passed. */
async function arm(page: import('@playwright/test').Page, kind: 'mean' | 'mz', arg: string) {
  await page.evaluate(([k, a]) => {
    const w = window as unknown as { __t: Promise<number> };
    w.__t = new Promise<number>((res) => {
      let t0 = 0;
      addEventListener('pointerup', () => { t0 = performance.now(); }, { capture: true, once: true });
      const ok = () => {
        if (k === 'mean') return !!document.querySelector('[data-testid=mean-spectrum]');
        const el = document.querySelector('[data-testid=mz-image]');
        return el?.getAttribute('data-mz') === a && el.querySelector('[data-testid=ion-viewer]')?.getAttribute('data-rendered') !== '0';
      };
      const check = () => { if (t0 && ok()) requestAnimationFrame(() => setTimeout(() => res(performance.now() - t0), 0)); else setTimeout(check, 2); };
      check();
    });
  }, [kind, arg] as const);
}
const armed = (page: import('@playwright/test').Page) => page.evaluate(() => (window as unknown as { __t: Promise<number> }).__t);

const server = await preview(repo, dist);
const browser = await launch(repo, server.url);
try {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 1440, height: 1000 });
  await page.goto('/');
  log(`ingesting sim-472 (load ${load()})…`);
  const ingestMs = await ingestOnce(page, 'sim-472', files);
  log(`ingest ${(ingestMs / 1000).toFixed(1)} s`);
  const viewer = page.locator('section.detail [data-testid=ion-viewer]').first();
  await viewer.waitFor({ timeout: 120_000 });
  await page.waitForFunction(() => document.querySelector('section.detail [data-testid=ion-viewer]')?.getAttribute('data-rendered') !== '0', null, { timeout: 120_000 });
  const stage = viewer.locator('.stage');
  const caption = page.getByTestId('spectrum-caption');

  /** Clicks at a fraction of the stage; returns null on an off-sample pixel. */
  let first = true;
  async function click(fx: number, fy: number) {
    await stage.scrollIntoViewIfNeeded();
    const box = (await stage.boundingBox())!;
    const x = box.x + box.width * fx, y = box.y + box.height * fy;
    await page.mouse.move(x, y);
    const readout = viewer.getByTestId('hover-readout');
    await page.waitForTimeout(50);
    if (!(await readout.getAttribute('data-value'))) return null;
    const px = `Pixel x ${await readout.getAttribute('data-x')}, y ${await readout.getAttribute('data-y')}:`;
    // in the page: pointerup → caption names the pixel and the plot is there → next frame (the plot painted)
    await page.evaluate((p) => {
      const w = window as unknown as { __spec: Promise<number> };
      w.__spec = new Promise<number>((res) => {
        let t0 = 0;
        addEventListener('pointerup', () => { t0 = performance.now(); }, { capture: true, once: true });
        const check = () => {
          const c = document.querySelector('[data-testid=spectrum-caption]');
          if (t0 && c?.textContent?.includes(p) && document.querySelector('[data-testid=pixel-spectrum]')) requestAnimationFrame(() => setTimeout(() => res(performance.now() - t0), 0));
          else setTimeout(check, 2);
        };
        check();
      });
    }, px);
    const t0 = performance.now();
    await page.mouse.click(x, y);
    await page.waitForFunction((p) => {
      const c = document.querySelector('[data-testid=spectrum-caption]');
      return !!c?.textContent?.includes(p) && !!document.querySelector('[data-testid=pixel-spectrum]');
    }, px, { timeout: first ? 30 * 60_000 : 60_000, polling: 10 }).catch(() => null);
    if (!(await caption.textContent())?.includes(px)) {
      const err = (await page.getByTestId('spectrum-error').count()) ? await page.getByTestId('spectrum-error').textContent() : '';
      log(`no spectrum for ${px}: caption '${await caption.textContent()}', error '${err}'`);
      return null;
    }
    const wall = performance.now() - t0;
    const painted = await page.evaluate(() => (window as unknown as { __spec: Promise<number> }).__spec);
    return { px, wall, painted, page: Number(await caption.getAttribute('data-ms')), text: (await caption.textContent())!.trim(), status: (await page.getByTestId('spectrum-status').count()) ? await page.getByTestId('spectrum-status').textContent() : '' };
  }

  log(`first click (builds the index; load ${load()})…`);
  const firstClick = await click(0.5, 0.5);
  first = false;
  log(`first: ${JSON.stringify(firstClick)}`);
  const rest: number[] = [], restWall: number[] = [], restPainted: number[] = [];
  for (const [fx, fy] of [[0.4, 0.4], [0.6, 0.45], [0.45, 0.6], [0.55, 0.55], [0.35, 0.5], [0.65, 0.6], [0.5, 0.3], [0.5, 0.7]]) {
    const r = await click(fx, fy);
    if (!r) continue;
    rest.push(r.page);
    restWall.push(r.wall);
    restPainted.push(r.painted);
    log(`click ${r.px} ${r.text}: spectrum in state ${r.page.toFixed(0)} ms, pointerup → plot painted ${r.painted.toFixed(0)} ms, wall ${r.wall.toFixed(0)} ms`);
  }
  await page.locator('section.detail').evaluate((el) => { el.scrollTop = el.scrollHeight; });
  await page.getByTestId('spectrum-tool').screenshot({ path: '/tmp/s4-spectrum-shots/bench-100k-pixel.png' });

  const tm = performance.now();
  await arm(page, 'mean', '');
  await page.getByTestId('spectrum-tab-mean').click();
  await page.getByTestId('mean-spectrum').waitFor({ timeout: 120_000 });
  const meanWall = performance.now() - tm;
  const meanPage = Number(await caption.getAttribute('data-ms'));
  const meanPainted = await armed(page);
  log(`mean spectrum: in state ${meanPage.toFixed(0)} ms, pointerup → painted ${meanPainted.toFixed(0)} ms, wall ${meanWall.toFixed(0)} ms; ${(await caption.textContent())!.trim()}`);
  await page.getByTestId('spectrum-tool').screenshot({ path: '/tmp/s4-spectrum-shots/bench-100k-mean.png' });

  const mzs = ['500.1234', '301.2', '799.987'];
  const mzPage: number[] = [], mzWall: number[] = [], mzPainted: number[] = [];
  for (const mz of mzs) {
    await page.getByTestId('mz-input').fill(mz);
    await page.getByTestId('mz-ppm').fill('3');
    await arm(page, 'mz', String(Number(mz)));
    const t0 = performance.now();
    await page.getByTestId('mz-show').click();
    await page.waitForFunction((m) => {
      const w = document.querySelector('[data-testid=mz-image]');
      return w?.getAttribute('data-mz') === m && w.querySelector('[data-testid=ion-viewer]')?.getAttribute('data-rendered') !== '0';
    }, String(Number(mz)), { timeout: 120_000, polling: 10 });
    mzWall.push(performance.now() - t0);
    const t = (await page.getByTestId('mz-timing').textContent()) ?? '';
    mzPage.push(Number(/(\d+) ms/.exec(t)?.[1] ?? NaN));
    mzPainted.push(await armed(page));
    log(`m/z ${mz}: image computed ${mzPage.at(-1)} ms, pointerup → painted ${mzPainted.at(-1)!.toFixed(0)} ms, wall ${mzWall.at(-1)!.toFixed(0)} ms`);
  }
  await page.screenshot({ path: '/tmp/s4-spectrum-shots/bench-100k-mz.png' });
  const med = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[s.length >> 1] : NaN; };
  console.log(JSON.stringify({
    load: load(), ingestMs, first: firstClick, pixelPageMs: rest, pixelWallMs: restWall, pixelPaintedMs: restPainted, pixelPageMedian: med(rest), pixelPaintedMedian: med(restPainted), pixelWallMedian: med(restWall),
    meanPage, meanPainted, meanWall, mzPage, mzPainted, mzWall,
  }, null, 1));
} finally {
  await browser.close();
  server.stop();
}
