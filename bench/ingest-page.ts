// The page's ingest measured the way a user runs it: the app (vite preview of a production build) in Debian
// Chromium, files picked in the library's file input, wall time until the dataset is listed; peak Chromium memory
// (PSS, all its processes) while it runs; the ingest worker's own timing line (stage start times, time spent in the
// IndexedDB store) from the console; browser storage used afterwards (navigator.storage.estimate).
// Used by bench/ingest.ts; also runnable alone for one big dataset:
//   npx tsx bench/ingest-page.ts FILE.imzML FILE.ibd [runs]     ($INGEST_PAGE_DIST: serve that build instead)
import { resolve, dirname, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';
import { buildApp, launch, preview, removeBuild } from './page-browser.ts';
import { MemSampler } from './page-mem.ts';
import { ingestOnce } from './page.ts';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface IngestTiming {
  totalMs: number;
  /** ms after the start at which each progress stage first reported. */
  stageAt: Record<string, number>;
  /** ms spent inside the store's methods. */
  storeMs: Record<string, number>;
  ibdBytes: number;
}

export interface PageIngestResult {
  ms: number[];
  timings: IngestTiming[];
  peakPssMB: number;
  storageBytes: number;
  load: number[];
}

/** `dist`: an app already built (e.g. of an older commit, for a before/after); default: build this checkout. */
export async function measurePageIngest(o: { files: { imzml: string; ibd: string }; runs: number; log(s: string): void; dist?: string }): Promise<PageIngestResult> {
  const name = basename(o.files.imzml).replace(/\.imzml$/i, '');
  const dist = o.dist ?? buildApp(repo, o.log);
  const server = await preview(repo, dist);
  const browser = await launch(repo, server.url);
  const mem = new MemSampler();
  try {
    const page = await browser.context.newPage();
    const timings: IngestTiming[] = [];
    page.on('console', (m) => {
      const t = m.text();
      if (t.startsWith('imzlens-ingest-timing ')) timings.push(JSON.parse(t.slice('imzlens-ingest-timing '.length)));
    });
    await page.goto('/');
    await page.getByTestId('file-input').waitFor({ state: 'attached', timeout: 60_000 });
    mem.start();
    mem.setPhase('idle');
    const ms: number[] = [];
    let storageBytes = 0;
    for (let r = 0; r < o.runs; r++) {
      mem.setPhase('ingest');
      ms.push(await ingestOnce(page, name, [o.files.imzml, o.files.ibd]));
      mem.setPhase('idle');
      storageBytes = await page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
      o.log(`page ingest ${r + 1}: ${(ms[r] / 1000).toFixed(2)} s; storage used ${(storageBytes / 1e6).toFixed(0)} MB; peak PSS so far ${mem.peak('ingest').toFixed(0)} MB (load ${loadavg().map((x) => x.toFixed(2)).join(' ')})`);
      page.once('dialog', (d) => void d.accept());
      await page.locator(`[data-testid=library-item][data-name="${name}"] [data-testid=library-delete]`).click();
      await page.locator(`[data-testid=library-item][data-name="${name}"]`).waitFor({ state: 'detached', timeout: 120_000 });
    }
    mem.stop();
    return { ms, timings, peakPssMB: mem.peak('ingest'), storageBytes, load: loadavg() };
  } finally {
    mem.stop();
    await browser.close();
    server.stop();
  }
}

/** Phase shares of one ingest from its timing line. */
export function phaseBreakdown(t: IngestTiming): { phase: string; ms: number }[] {
  const at = t.stageAt;
  const readStart = at.sample ?? at.read ?? 0;
  const readEnd = at.sort ?? t.totalMs;
  const out = [
    { phase: 'XML index parse (index)', ms: readStart },
    { phase: 'sampling + the first read pass (read, decode, bucket)', ms: readEnd - readStart },
    { phase: 'sort + IndexedDB writes + commit, with any further read passes (sort … done)', ms: t.totalMs - readEnd },
  ];
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [imzml, ibd, runs] = process.argv.slice(2);
  const r = await measurePageIngest({ files: { imzml, ibd }, runs: Number(runs ?? 1), log: (s) => console.log(s), dist: process.env.INGEST_PAGE_DIST });
  console.log(JSON.stringify(r, null, 1));
  removeBuild();
}
