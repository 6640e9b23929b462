// `npm run bench -- interactive [--quick] [--no-page]`: the seed's "interactive" experiment — the small bundled
// database (CoreMetabolome v3, 2,386 formulas) on a ~100k-pixel dataset, latency from "Run" to the first results:
// (a) the Node CLI (`imzlens annotate` process wall time: cold = ingest + centroids + scores, then with dataset and
// centroids cached, 1 and 2 workers), (b) the web app in Chromium (bench/page.ts: ingest into IndexedDB, Run →
// filled table cold and with centroids cached, first ion-image paint). The dataset plants 60 CoreMetabolome ions.
import { mkdirSync, rmSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { loadavg } from 'node:os';
import type { BenchContext } from './run.ts';
import { option } from './run.ts';
import { annotate, repo, simulate, type AnnotateJob } from './lib/annotate-cli.ts';
import { summarise, tableRow, TABLE_HEAD, TABLE_NOTES, type BenchRow } from './lib/rows.ts';
import { median, sec } from './lib/util.ts';
import { measurePage, type PageResult } from './page.ts';

const dataDir = resolve(repo, 'bench/data/interactive');
const CORE = join(repo, 'public/db/core-metabolome-v3.tsv.gz');

export async function run(ctx: BenchContext): Promise<void> {
  const runs = Number(option(ctx.args, '--runs') ?? (ctx.quick ? 1 : 3));
  const side = ctx.quick ? 100 : 472;
  mkdirSync(dataDir, { recursive: true });
  const imzml = simulate(join(dataDir, `sim-${side}`), { side, db: CORE, nTrue: 60, noisePeaks: 300, seed: 11 }, ctx.log);
  const cacheDir = join(dataDir, ctx.quick ? 'cache-quick' : 'cache');
  rmSync(cacheDir, { recursive: true, force: true });
  const outDir = join(dataDir, ctx.quick ? 'out-quick' : 'out');
  const job: AnnotateJob = { kind: 'flags', imzml, dbs: [CORE], adducts: '+H,+Na,+K', sigma: 0.000619 };
  const label = ctx.quick ? '5k' : '100k';
  const loadStart = loadavg();
  const rows: BenchRow[] = [];
  const latency: { what: string; ms: number[] }[] = [];

  const first = annotate(job, { workers: 2, cacheDir, outDir });
  rows.push(summarise('interactive', label, 'CoreMetabolome v3', 2, 'cold (dataset + centroids)', [first]));
  latency.push({ what: 'cold: ingest + centroids + scores, 2 workers', ms: [first.processMs] });
  ctx.log(`Node cold: ${sec(first.processMs)} s`);
  for (const workers of [1, 2]) {
    const all = Array.from({ length: runs }, () => annotate(job, { workers, cacheDir, outDir }));
    rows.push(summarise('interactive', label, 'CoreMetabolome v3', workers, 'cached', all));
    latency.push({ what: `dataset + centroids cached, ${workers} worker${workers > 1 ? 's' : ''}`, ms: all.map((r) => r.processMs) });
    ctx.log(`Node cached, ${workers} worker(s): ${all.map((r) => sec(r.processMs)).join(' / ')} s`);
  }
  const nodeMd = `### (a) Node CLI

\`imzlens annotate --imzml … --db public/db/core-metabolome-v3.tsv.gz --adducts +H,+Na,+K --sigma 0.000619 --no-score-cache\`;
latency = wall time of the whole process (Node start-up to results.csv written), what a CLI user waits after pressing Enter.
Load average at the start ${loadStart.map((x) => x.toFixed(1)).join(' / ')}, after the Node part ${loadavg().map((x) => x.toFixed(1)).join(' / ')}.

| Run → results (Node) | runs | median | each run |
|---|---|---|---|
${latency.map((l) => `| ${l.what} | ${l.ms.length} | **${sec(median(l.ms))} s** | ${l.ms.map(sec).join(' / ')} s |`).join('\n')}

${TABLE_HEAD}
${rows.map(tableRow).join('\n')}

${TABLE_NOTES}`;
  const head = `## interactive — CoreMetabolome on ${ctx.quick ? 'a 5k-pixel (quick)' : 'a ~100k-pixel'} dataset: Run → first results

Generated processed dataset: \`imzlens simulate\` ${side}×${side}, 60 ions planted from CoreMetabolome v3, 300 noise peaks per spectrum, seed 11.`;
  const save = (page: PageResult | null, pageMd: string) => {
    ctx.writeJson({ scenario: 'interactive', date: new Date().toISOString(), quick: ctx.quick, rows, latency, page: page?.json ?? null });
    ctx.write(`${head}\n\n${nodeMd}\n\n${pageMd}`);
  };
  save(null, '### (b) web app\n\n(running…)');
  if (ctx.args.includes('--no-page')) {
    save(null, '### (b) web app\n\nNot run (--no-page).');
    return;
  }
  const name = basename(imzml).replace(/\.imzML$/i, '');
  const page = await measurePage(ctx, {
    name, files: { imzml, ibd: imzml.replace(/\.imzML$/i, '.ibd') },
    describe: `\`imzlens simulate\` ${side}×${side}, 60 CoreMetabolome ions, 300 noise peaks (seed 11)`,
    db: { kind: 'bundled', label: 'CoreMetabolome v3' },
    ingestRuns: ctx.quick ? 1 : 3, warmPpms: ctx.quick ? [2.9] : [2.9, 2.8, 2.7], paintRows: ctx.quick ? [1] : [1, 2, 3],
    goalApplies: !ctx.quick, title: '### (b) web app in Chromium (Playwright, bench/page.ts)',
  });
  save(page, page.md);
}
