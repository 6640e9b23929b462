// `npm run bench -- interactive [--quick] [--no-page] [--no-node] [--runs N] [--sizes 10k,40k,100k,250k] [--baseline DIR]`:
// the small bundled database (CoreMetabolome v3, 2,386 formulas → 117k ion formulas) on a generated dataset
// (default ~100k pixels), latency from "Run" to the first results:
// (a) the Node CLI (`imzlens annotate` process wall time: cold = ingest + centroids + scores, then with dataset and
//     centroids cached, 1 and 2 workers; its ingest MB/s and score stage),
// (b) the web app in Chromium (bench/page.ts PageSession: ingest into IndexedDB, Run → filled table cold and with
//     centroids cached, row click → first ion-image paint, peak memory per phase).
// --baseline DIR: DIR is another checkout with node_modules (e.g. main before a change). Every measure then runs
// against both, alternating baseline, current, baseline, current…: its CLI as `node DIR/bin/imzlens.mjs`, its app
// built with its own vite into its own dist and served on its own port, in its own Chromium. The markdown shows
// "before | after" columns with the load average after each run; the JSON keeps `baseline` and `current`.
// --sizes: the same figures at other pixel counts (10k, 40k, 100k, 250k: simulate grids whose tissue has about that
// many pixels; the real counts are reported). The top-level JSON fields are the 100k dataset's current figures.
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { loadavg } from 'node:os';
import type { BenchContext } from './run.ts';
import { option } from './run.ts';
import { annotate, repo, simulate, stage, type AnnotateJob, type AnnotateRun } from './lib/annotate-cli.ts';
import { summarise, tableRow, TABLE_HEAD, TABLE_NOTES, type BenchRow } from './lib/rows.ts';
import { median, sec } from './lib/util.ts';
import { PageSession } from './page.ts';
import { chromiumVersion, freePort } from './page-browser.ts';

const dataDir = resolve(repo, 'bench/data/interactive');
const CORE = join(repo, 'public/db/core-metabolome-v3.tsv.gz');
/** Share of a simulated square grid that is tissue (measured: 96,806 of 472² = 222,784 pixels). */
const TISSUE_SHARE = 96_806 / 472 ** 2;

/** "10k" → a grid side whose tissue has about 10,000 pixels; 100k keeps the existing 472 grid. */
export function sideFor(label: string): number {
  const m = /^(\d+(?:\.\d+)?)(k?)$/i.exec(label.trim());
  if (!m) throw new Error(`bench interactive: size '${label}' is not like 10k or 40000`);
  const n = Number(m[1]) * (m[2] ? 1000 : 1);
  if (label === '100k') return 472;
  return Math.max(20, Math.round(Math.sqrt(n / TISSUE_SHARE)));
}

/** The figures the issue tracks (interactive.json carries them at its top level for the 100k dataset). */
export interface Figures {
  ingest_idb_mb_s: number;
  run_to_table_cached_s: number;
  run_to_table_cold_s: number;
  click_to_paint_ms: number;
  peak_mem_ingest_mb: number;
  peak_mem_job_mb: number;
  node_ingest_mb_s: number;
  node_score_s: number;
}

/** Everything measured for one checkout on one dataset (runs kept with the load average after each). */
interface SideRuns {
  nodeCold: AnnotateRun | null;
  nodeCached: Record<number, AnnotateRun[]>;
  ingestMs: number[];
  ingestLoad: number[];
  coldMs: number;
  coldLoad: number;
  coldStages: Record<string, number>;
  warmMs: number[];
  warmLoad: number[];
  warmStages: Record<string, number>[];
  paintMs: number[];
  paintLoad: number[];
  rows: number;
  storageMB: number;
  peakMB: Record<string, number>;
  errors: string[];
}

interface Side {
  label: 'baseline' | 'current';
  repo: string;
  cli: string;
  runs: SideRuns;
}

const load1 = () => loadavg()[0]!;
const emptyRuns = (): SideRuns => ({
  nodeCold: null, nodeCached: {}, ingestMs: [], ingestLoad: [], coldMs: NaN, coldLoad: NaN, coldStages: {}, warmMs: [], warmLoad: [],
  warmStages: [], paintMs: [], paintLoad: [], rows: 0, storageMB: NaN, peakMB: {}, errors: [],
});

function figures(r: SideRuns, ibdMB: number): Figures {
  const ingestStage = r.nodeCold ? stage(r.nodeCold.stats, 'ingest') : NaN;
  const score2 = (r.nodeCached[2] ?? []).map((x) => stage(x.stats, 'score'));
  return {
    ingest_idb_mb_s: ibdMB / (median(r.ingestMs) / 1000),
    run_to_table_cached_s: median(r.warmMs) / 1000,
    run_to_table_cold_s: r.coldMs / 1000,
    click_to_paint_ms: median(r.paintMs),
    peak_mem_ingest_mb: r.peakMB.ingest ?? NaN,
    peak_mem_job_mb: r.peakMB.job ?? NaN,
    node_ingest_mb_s: ibdMB / (ingestStage / 1000),
    node_score_s: median(score2) / 1000,
  };
}

const round = (x: number, d = 2) => (Number.isFinite(x) ? Number(x.toFixed(d)) : null);
const roundFigures = (f: Figures) => Object.fromEntries(Object.entries(f).map(([k, v]) => [k, round(v as number, k.endsWith('_ms') || k.endsWith('_mb') ? 0 : 2)]));

export async function run(ctx: BenchContext): Promise<void> {
  const runs = Number(option(ctx.args, '--runs') ?? (ctx.quick ? 1 : 3));
  const baselineDir = option(ctx.args, '--baseline');
  const sizes = (option(ctx.args, '--sizes') ?? (ctx.quick ? '5k' : '100k')).split(',').map((s) => s.trim()).filter(Boolean);
  const noPage = ctx.args.includes('--no-page');
  // --no-node: the page only (when the checkouts differ only in page code, the CLI half measures nothing new)
  const noNode = ctx.args.includes('--no-node');
  const sides: Side[] = [
    ...(baselineDir ? [{ label: 'baseline' as const, repo: resolve(baselineDir), cli: join(resolve(baselineDir), 'bin/imzlens.mjs'), runs: emptyRuns() }] : []),
    { label: 'current', repo, cli: join(repo, 'bin/imzlens.mjs'), runs: emptyRuns() },
  ];
  const loadStart = loadavg();
  mkdirSync(dataDir, { recursive: true });
  const results: { label: string; side: number; pixels: number; ibdMB: number; head: string; sides: Side[] }[] = [];
  const nodeRows: BenchRow[] = [];
  // --no-node keeps the CLI rows of the last run that had them, so the charts (bench/chart.ts reads `rows`) keep them
  const jsonPath = resolve(repo, 'bench/results', ...(ctx.quick ? ['quick'] : []), 'interactive.json');
  let carried = '';
  if (noNode && existsSync(jsonPath)) {
    const prev = JSON.parse(readFileSync(jsonPath, 'utf8')) as { rows?: BenchRow[]; date?: string };
    nodeRows.push(...(prev.rows ?? []));
    if (prev.rows?.length) carried = `CLI rows for the charts carried over from the run of ${prev.date ?? 'an earlier date'} (this one ran with --no-node).`;
  }
  const sections: string[] = [];

  const save = (final: boolean) => {
    const top = results.find((r) => r.label === '100k') ?? results[0];
    const figs = (r: (typeof results)[number], label: string) => {
      const s = r.sides.find((x) => x.label === label);
      return s ? roundFigures(figures(s.runs, r.ibdMB)) : null;
    };
    const cur = top ? figs(top, 'current') : null;
    ctx.writeJson({
      scenario: 'interactive', date: new Date().toISOString(), quick: ctx.quick, final,
      ...(cur ?? {}), top_level_size: top?.label ?? null, top_level_pixels: top?.pixels ?? null,
      current: cur, baseline: top && baselineDir ? figs(top, 'baseline') : null, baselineDir: baselineDir ? resolve(baselineDir) : null,
      sizes: results.map((r) => ({
        label: r.label, side: r.side, pixels: r.pixels, ibdMB: round(r.ibdMB, 1), dataset: r.head,
        current: figs(r, 'current'), baseline: baselineDir ? figs(r, 'baseline') : null,
        runs: Object.fromEntries(r.sides.map((s) => [s.label, {
          ...s.runs, nodeCold: s.runs.nodeCold && { processMs: s.runs.nodeCold.processMs, stages: s.runs.nodeCold.stats.stages, load: s.runs.nodeCold.load },
          nodeCached: Object.fromEntries(Object.entries(s.runs.nodeCached).map(([w, rs]) => [w, rs.map((x) => ({ processMs: x.processMs, stages: x.stats.stages, load: x.load }))])),
        }])),
      })),
      load: { start: loadStart, end: loadavg() },
      rows: nodeRows,
    });
    const head = `## interactive — CoreMetabolome v3 (bundled) on generated datasets: Run → first results${ctx.quick ? ' (quick)' : ''}${baselineDir ? ', before | after' : ''}

Generated processed datasets: \`imzlens simulate\` N×N grids, 60 ions planted from CoreMetabolome v3, 300 noise peaks per spectrum,
seed 11; job +H,+Na,+K, 20 decoys, σ 0.000619 (RP 280k), 3 ppm (cold), then ${ctx.quick ? '2.9' : '2.9, 2.8, 2.7'} ppm with centroids cached.
${baselineDir ? `Before = the checkout ${resolve(baselineDir)} (its own CLI, its own vite build and server, its own Chromium), after = this one; every measure ran on both, alternating before, after, before, after…\n` : ''}Load average (1/5/15 min) at the start ${loadStart.map((x) => x.toFixed(1)).join(' / ')}, at the end ${loadavg().map((x) => x.toFixed(1)).join(' / ')}; 2 cores shared with other jobs, so times are upper bounds. ${chromiumVersion()}.${carried ? `\n${carried}` : ''}`;
    ctx.write([head, ...sections, final ? '' : '(running…)'].join('\n\n'));
  };

  for (const size of sizes) {
    const side = sideFor(size);
    const imzml = simulate(join(dataDir, `sim-${side}`), { side, db: CORE, nTrue: 60, noisePeaks: 300, seed: 11 }, ctx.log);
    const ibd = imzml.replace(/\.imzML$/i, '.ibd');
    const ibdMB = statSync(ibd).size / 1e6;
    for (const s of sides) s.runs = emptyRuns();
    const entry = { label: size, side, pixels: NaN, ibdMB, head: '', sides: sides.map((s) => ({ ...s })) };
    results.push(entry);
    const job: AnnotateJob = { kind: 'flags', imzml, dbs: [CORE], adducts: '+H,+Na,+K', sigma: 0.000619 };
    const dirs = (s: Side) => ({ cacheDir: join(dataDir, `cache-${side}-${s.label}`), outDir: join(dataDir, `out-${side}-${s.label}`), cli: s.cli });

    // (a) Node CLI, alternating sides
    for (const s of noNode ? [] : sides) {
      rmSync(dirs(s).cacheDir, { recursive: true, force: true });
      s.runs.nodeCold = annotate(job, { workers: 2, ...dirs(s) });
      entry.pixels = s.runs.nodeCold.stats.dataset.spectra;
      ctx.log(`${size} ${s.label}: Node cold ${sec(s.runs.nodeCold.processMs)} s (ingest ${sec(stage(s.runs.nodeCold.stats, 'ingest'))} s, load ${load1().toFixed(1)})`);
    }
    for (const workers of noNode ? [] : [1, 2]) {
      for (let r = 0; r < runs; r++) {
        for (const s of sides) {
          const a = annotate(job, { workers, ...dirs(s) });
          (s.runs.nodeCached[workers] ??= []).push(a);
          ctx.log(`${size} ${s.label}: Node cached, ${workers} worker(s): ${sec(a.processMs)} s, score ${sec(stage(a.stats, 'score'))} s (load ${load1().toFixed(1)})`);
        }
      }
    }
    const cur = sides[sides.length - 1]!;
    if (!noNode) {
      nodeRows.push(summarise('interactive', size, 'CoreMetabolome v3', 2, 'cold (dataset + centroids)', [cur.runs.nodeCold!]));
      for (const w of [1, 2]) nodeRows.push(summarise('interactive', size, 'CoreMetabolome v3', w, 'cached', cur.runs.nodeCached[w]!));
    }
    save(false);

    // (b) the page, one Chromium per side, steps alternating
    if (!noPage) {
      const name = basename(imzml).replace(/\.imzML$/i, '');
      const sessions: PageSession[] = [];
      try {
        for (const s of sides) {
          const port = s.label === 'current' ? undefined : await freePort();
          sessions.push(await PageSession.open(s.label, s.repo, ctx.log, port));
        }
        const each = async (f: (p: PageSession, s: Side) => Promise<void>) => {
          for (let k = 0; k < sides.length; k++) await f(sessions[k]!, sides[k]!);
          save(false); // a run stopped half-way still leaves its figures so far in the JSON
        };
        const ingestRuns = ctx.quick ? 1 : Math.min(runs, size === '250k' ? 1 : 3);
        for (let r = 0; r < ingestRuns; r++) {
          await each(async (p, s) => {
            const ms = await p.ingest(name, [imzml, ibd]);
            s.runs.ingestMs.push(ms);
            s.runs.ingestLoad.push(load1());
            ctx.log(`${size} ${s.label}: page ingest ${sec(ms)} s, ${(ibdMB / (ms / 1000)).toFixed(1)} MB/s (load ${load1().toFixed(1)})`);
            if (r < ingestRuns - 1) await p.deleteDataset(name);
          });
        }
        await each(async (p, s) => {
          s.runs.storageMB = await p.storageMB();
          entry.head = await p.datasetHead();
          const spectra = /([\d,]+) spectra/.exec(entry.head);
          if (!Number.isFinite(entry.pixels) && spectra) entry.pixels = Number(spectra[1]!.replace(/,/g, ''));
          await p.setUpJob({ kind: 'bundled', label: 'CoreMetabolome v3' });
        });
        await each(async (p, s) => {
          const c = await p.job(3);
          s.runs.coldMs = c.ms;
          s.runs.coldLoad = load1();
          s.runs.rows = c.rows;
          s.runs.coldStages = await p.lastStages();
          ctx.log(`${size} ${s.label}: page cold job ${sec(c.ms)} s, ${c.rows} rows (load ${load1().toFixed(1)}) stages ${JSON.stringify(s.runs.coldStages, (_k, v) => (typeof v === 'number' ? Math.round(v) : v))}`);
        });
        for (const ppm of (ctx.quick ? [2.9] : [2.9, 2.8, 2.7]).slice(0, Math.max(1, runs))) {
          await each(async (p, s) => {
            const w = await p.job(ppm);
            s.runs.warmMs.push(w.ms);
            s.runs.warmLoad.push(load1());
            s.runs.warmStages.push(await p.lastStages());
            ctx.log(`${size} ${s.label}: page job ${ppm} ppm (centroids cached) ${sec(w.ms)} s (load ${load1().toFixed(1)}) stages ${JSON.stringify(s.runs.warmStages.at(-1), (_k, v) => (typeof v === 'number' ? Math.round(v) : v))}`);
          });
        }
        for (const row of ctx.quick ? [1, 2] : [1, 2, 3]) {
          await each(async (p, s) => {
            const pt = await p.paint(row);
            if (pt.ms < 0) throw new Error(`bench interactive (${s.label}): the ion image of row ${row + 1} did not render within 2 min`);
            s.runs.paintMs.push(pt.ms);
            s.runs.paintLoad.push(load1());
            ctx.log(`${size} ${s.label}: click → paint ${pt.ion} ${pt.ms.toFixed(0)} ms (${pt.renderer}, load ${load1().toFixed(1)})`);
          });
        }
        await each(async (p, s) => {
          p.mem.stop();
          s.runs.peakMB = Object.fromEntries(['ingest', 'job', 'paint'].map((ph) => [ph, p.mem.peak(ph)]));
          s.runs.errors = p.errors;
        });
      } finally {
        for (const p of sessions) await p.close();
      }
    }
    entry.sides = sides.map((s) => ({ ...s }));
    sections.push(sizeSection(entry, runs, !noPage));
    save(false);
  }
  save(true);
}

const cells = (xs: number[], f: (x: number) => string) => xs.map(f).join(' / ');

function sizeSection(e: { label: string; side: number; pixels: number; ibdMB: number; head: string; sides: Side[] }, runs: number, page: boolean): string {
  const cols = e.sides.map((s) => (s.label === 'baseline' ? 'before' : e.sides.length > 1 ? 'after' : 'this checkout'));
  const figs = e.sides.map((s) => figures(s.runs, e.ibdMB));
  const line = (what: string, val: (f: Figures, r: SideRuns) => string) =>
    `| ${what} | ${e.sides.map((s, k) => val(figs[k]!, s.runs)).join(' | ')} |`;
  const lo = (xs: number[]) => (xs.length ? ` (load ${xs.map((x) => x.toFixed(1)).join(' / ')})` : '');
  const nodeCached = (r: SideRuns, w: number) => {
    const rs = r.nodeCached[w] ?? [];
    return `${sec(median(rs.map((x) => x.processMs)))} s: ${cells(rs.map((x) => x.processMs), sec)}${lo(rs.map((x) => x.load[0]!))}`;
  };
  const rowsNode = e.sides.every((s) => !s.runs.nodeCold) ? [] : [
    line('Node ingest (`imzlens annotate` cold, ingest stage), ibd MB/s', (f, r) => `**${f.node_ingest_mb_s.toFixed(0)}** (${sec(r.nodeCold ? stage(r.nodeCold.stats, 'ingest') : NaN)} s)`),
    line('Node cold (ingest + centroids + score), process wall, 2 workers', (_f, r) => `${sec(r.nodeCold?.processMs ?? NaN)} s${lo(r.nodeCold ? [r.nodeCold.load[0]!] : [])}`),
    line('Node cached, 1 worker, process wall', (_f, r) => nodeCached(r, 1)),
    line('Node cached, 2 workers, process wall', (_f, r) => nodeCached(r, 2)),
    line('Node score stage, cached, 2 workers', (f, r) => `**${f.node_score_s.toFixed(2)} s**: ${cells((r.nodeCached[2] ?? []).map((x) => stage(x.stats, 'score')), sec)}`),
  ];
  const stageLine = (st: Record<string, number>) => Object.entries(st).map(([k, v]) => `${k} ${sec(v)}`).join(', ');
  const rowsPage = page ? [
    line('page ingest into IndexedDB, ibd MB/s', (f, r) => `**${f.ingest_idb_mb_s.toFixed(1)}**: ${cells(r.ingestMs, (m) => `${sec(m)} s`)}${lo(r.ingestLoad)}`),
    line('page Run → filled table, cold (3 ppm)', (f, r) => `**${f.run_to_table_cold_s.toFixed(2)} s**${lo([r.coldLoad])}; stages ${stageLine(r.coldStages)}`),
    line(`page Run → filled table, centroids cached (median of ${e.sides[0]!.runs.warmMs.length})`, (f, r) => `**${f.run_to_table_cached_s.toFixed(2)} s**: ${cells(r.warmMs, sec)} s${lo(r.warmLoad)}; score stage ${cells(r.warmStages.map((x) => x.score ?? NaN), sec)} s`),
    line('page row click → first ion image paint', (f, r) => `**${f.click_to_paint_ms.toFixed(0)} ms**: ${cells(r.paintMs, (m) => m.toFixed(0))} ms${lo(r.paintLoad)}`),
    line('peak Chromium memory (PSS) ingest / job / paints', (_f, r) => `**${['ingest', 'job', 'paint'].map((p) => (r.peakMB[p] ?? NaN).toFixed(0)).join(' / ')} MB**`),
    line('browser storage after ingest (navigator.storage.estimate)', (_f, r) => `${r.storageMB.toFixed(0)} MB`),
    line('rows at FDR ≤ 10 % (cold job)', (_f, r) => String(r.rows)),
    line('page errors', (_f, r) => (r.errors.length ? r.errors.join('; ') : 'none')),
  ] : [];
  return `### ${e.label}: ${e.side}×${e.side} grid, ${e.pixels.toLocaleString('en')} pixels, ibd ${e.ibdMB.toFixed(0)} MB${e.head ? ` (${e.head})` : ''}

| measure | ${cols.join(' | ')} |
|---|${cols.map(() => '---').join('|')}|
${[...rowsNode, ...rowsPage].join('\n')}

${e.sides.length === 1 && e.sides[0]!.runs.nodeCold ? `${TABLE_HEAD}\n${summariseRows(e).map(tableRow).join('\n')}\n\n${TABLE_NOTES}` : ''}`;
}

function summariseRows(e: { label: string; sides: Side[] }): BenchRow[] {
  const r = e.sides[e.sides.length - 1]!.runs;
  return [
    summarise('interactive', e.label, 'CoreMetabolome v3', 2, 'cold (dataset + centroids)', [r.nodeCold!]),
    ...[1, 2].map((w) => summarise('interactive', e.label, 'CoreMetabolome v3', w, 'cached', r.nodeCached[w]!)),
  ];
}
