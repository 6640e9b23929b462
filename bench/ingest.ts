// Ingest benchmark: a generated processed dataset (~500 MB ibd; --quick ~50 MB) written with our imzML writer,
// then XML index parse, spectrum decode, segmenting, end-to-end ingest and peak memory in Node (median of 3 runs),
// and the IndexedDB write / in-page ingest rate in Chromium (vite preview of the app built once per bench process, port 4182 or $BENCH_PORT).
import { loadavg } from 'node:os';
import { existsSync, mkdirSync, openSync, writeSync, closeSync, readFileSync, writeFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync, spawn } from 'node:child_process';
import type { BenchContext } from './run.ts';
import { buildApp } from './page-browser.ts';
import { ImzmlWriter } from '../src/core/imzml/writer.ts';
import type { ByteSink } from '../src/core/imzml/writer.ts';
import { parseImzml } from '../src/core/imzml/parse.ts';
import { forEachSpectrum } from '../src/core/imzml/spectra.ts';
import { ingestDataset } from '../src/core/imzml/ingest.ts';
import { MemoryStore } from '../src/core/memory-store.ts';
import { NodeFileSource } from '../src/platform/node/file-source.ts';
import { FileSegmentStore } from '../src/platform/node/file-store.ts';
import { simulate } from './lib/annotate-cli.ts';
import { option } from './run.ts';
import { measurePageIngest, phaseBreakdown } from './ingest-page.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const MB = 2 ** 20;

class FdSink implements ByteSink {
  constructor(private readonly fd: number) {}
  write(chunk: Uint8Array): void {
    let o = 0;
    while (o < chunk.length) o += writeSync(this.fd, chunk, o, chunk.length - o);
  }
}

/** Deterministic processed dataset: f64 m/z, f32 intensity, `peaks` per spectrum, ~5 % zero intensities. */
export async function generateDataset(dir: string, name: string, nSpectra: number, peaks: number, width: number): Promise<{ imzml: string; ibd: string }> {
  const imzml = path.join(dir, `${name}.imzML`);
  const ibd = path.join(dir, `${name}.ibd`);
  const stamp = path.join(dir, `${name}.params.json`);
  const params = JSON.stringify({ nSpectra, peaks, width, v: 1 });
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === params && existsSync(imzml) && existsSync(ibd)) return { imzml, ibd };
  mkdirSync(dir, { recursive: true });
  const fdI = openSync(ibd, 'w');
  const fdX = openSync(imzml, 'w');
  const w = new ImzmlWriter({ ibd: new FdSink(fdI), imzml: new FdSink(fdX), mode: 'processed', mzType: 'f64', intensityType: 'f32', polarity: 'positive', pixelSize: { x: 50, y: 50 }, uuid: '5eed0000000000000000000000000001' });
  let s = 42;
  const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const mz = new Float64Array(peaks);
  const it = new Float32Array(peaks);
  for (let i = 0; i < nSpectra; i++) {
    let m = 100 + rnd();
    const step = 900 / peaks;
    for (let j = 0; j < peaks; j++) {
      m += step * (0.2 + 1.6 * rnd());
      mz[j] = m;
      it[j] = rnd() < 0.05 ? 0 : 10 + rnd() * 1e4;
    }
    await w.addSpectrum(1 + (i % width), 1 + Math.floor(i / width), mz, it);
  }
  await w.finish();
  closeSync(fdI);
  closeSync(fdX);
  writeFileSync(stamp, params);
  return { imzml, ibd };
}

const cpuNow = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function run(ctx: BenchContext): Promise<void> {
  const quick = ctx.quick;
  const nSpectra = quick ? 4000 : 40000;
  const peaks = 1000;
  const width = quick ? 80 : 200;
  const t0 = performance.now();
  const files = await generateDataset(path.join(here, 'data'), `ingest-${nSpectra}`, nSpectra, peaks, width);
  ctx.log(`dataset ready in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${files.ibd}`);
  const xmlMB = statSync(files.imzml).size / MB;
  const ibdMB = statSync(files.ibd).size / MB;

  const runs = 3;
  const loadBefore = loadavg();
  const parse: number[] = [], decode: number[] = [], readStage: number[] = [], sortStage: number[] = [], e2eMem: number[] = [], e2eFile: number[] = [];
  const cpuParse: number[] = [], cpuDecode: number[] = [], cpuMem: number[] = [], cpuFile: number[] = [];
  let meta = null as Awaited<ReturnType<typeof ingestDataset>> | null;
  const outDir = path.join(here, 'out', 'ingest-store');
  for (let r = 0; r < runs; r++) {
    const imzml = await NodeFileSource.open(files.imzml);
    const ibd = await NodeFileSource.open(files.ibd);
    let t = performance.now();
    let c = cpuNow();
    const index = await parseImzml(imzml);
    parse.push((performance.now() - t) / 1000);
    cpuParse.push(cpuNow() - c);

    t = performance.now();
    c = cpuNow();
    let sink = 0;
    await forEachSpectrum(index, ibd, (_, m, v) => { sink += m[0] + v[v.length - 1]; });
    decode.push((performance.now() - t) / 1000);
    cpuDecode.push(cpuNow() - c);
    if (!Number.isFinite(sink)) throw new Error('decode produced non-finite values');

    // End to end into memory (XML parse included), with stage timestamps.
    // `last[stage]` = when the stage last reported: the read (+ bucketing) stage ends at its last report, and the
    // sort (+ store) stage runs from there to 'done'.
    const first: Record<string, number> = {}, last: Record<string, number> = {};
    t = performance.now();
    c = cpuNow();
    meta = await ingestDataset({ imzml, ibd, store: new MemoryStore(), id: 'b', name: 'b', onProgress: (p) => { const now = performance.now() - t; first[p.stage] ??= now; last[p.stage] = now; } });
    const total = (performance.now() - t) / 1000;
    e2eMem.push(total);
    cpuMem.push(cpuNow() - c);
    readStage.push((last.read - (last.sample ?? last.index)) / 1000);
    sortStage.push((last.done - last.read) / 1000);

    // End to end into the on-disk store, as `imzlens ingest` does (64 MB segments).
    rmSync(outDir, { recursive: true, force: true });
    t = performance.now();
    c = cpuNow();
    await ingestDataset({ imzml, ibd, store: new FileSegmentStore(outDir), id: 'b', name: 'b', targetSegmentBytes: 64 * MB });
    e2eFile.push((performance.now() - t) / 1000);
    cpuFile.push(cpuNow() - c);
    await imzml.close();
    await ibd.close();
    ctx.log(`run ${r + 1}: parse ${parse[r].toFixed(2)} s, decode ${decode[r].toFixed(2)} s, ingest ${total.toFixed(2)} s (read+bucket ${readStage[r].toFixed(2)} s, sort+store ${sortStage[r].toFixed(2)} s), file store ${e2eFile[r].toFixed(2)} s`);
  }
  rmSync(outDir, { recursive: true, force: true });
  const maxRssMB = process.resourceUsage().maxRSS / 1024;
  const loadAfter = loadavg();
  const segTime = Math.max(1e-9, median(readStage) - median(decode) + median(sortStage));

  let idb = '';
  try {
    idb = await browserPart(ctx, quick);
  } catch (e) {
    idb = `| IndexedDB (Chromium) | not measured: ${(e as Error).message.split('\n')[0]} |`;
  }

  let big = '';
  if (!ctx.args.includes('--no-100k')) big = await bigDataset(ctx);

  const f = (x: number) => x.toFixed(0);
  ctx.write(`## ingest

Generated processed dataset (our writer, deterministic): ${nSpectra.toLocaleString('en')} spectra × ${peaks} peaks, m/z f64 + intensity f32,
ibd ${ibdMB.toFixed(0)} MB, imzML ${xmlMB.toFixed(0)} MB, ${meta!.totalPeaks.toLocaleString('en')} non-zero peaks in ${meta!.segments.length} segments (16 MB default).
Node ${process.version}, one thread; median of ${runs} runs; files in the page cache after the first run.

Wall time is what a user waits; CPU time (user + system of this process) is shown too because the bench machine
is shared with other jobs, which inflates wall time. Load average (1/5/15 min) before the Node runs
${loadBefore.map((x) => x.toFixed(1)).join(' / ')}, after ${loadAfter.map((x) => x.toFixed(1)).join(' / ')} (2 cores).

| stage | wall (s) | wall MB/s | CPU (s) | CPU MB/s |
|---|---|---|---|---|
| XML index parse (parseImzml, byte scanner), MB of XML | ${median(parse).toFixed(2)} | ${f(xmlMB / median(parse))} | ${median(cpuParse).toFixed(2)} | ${f(xmlMB / median(cpuParse))} |
| spectrum read + decode (forEachSpectrum), MB of ibd | ${median(decode).toFixed(2)} | ${f(ibdMB / median(decode))} | ${median(cpuDecode).toFixed(2)} | ${f(ibdMB / median(cpuDecode))} |
| segmenting (checks + bucketing beyond decode, sort, store put), MB of ibd | ${segTime.toFixed(2)} | ${f(ibdMB / segTime)} | | |
| **end to end into MemoryStore** (parse + sample + read + segment), MB of ibd; goal ≥ 300 | ${median(e2eMem).toFixed(2)} | **${f(ibdMB / median(e2eMem))}** | ${median(cpuMem).toFixed(2)} | **${f(ibdMB / median(cpuMem))}** |
| end to end into FileSegmentStore (64 MB segments, as \`imzlens ingest\`), MB of ibd | ${median(e2eFile).toFixed(2)} | ${f(ibdMB / median(e2eFile))} | ${median(cpuFile).toFixed(2)} | ${f(ibdMB / median(cpuFile))} |
| peak RSS (whole bench process, resourceUsage().maxRSS) | | ${f(maxRssMB)} MB | | |

${idb}

${big}
`);
}

/**
 * The issue-13 figures on the interactive bench's 100k-pixel dataset (bench/data/interactive/sim-472, shared with
 * `bench -- interactive`; quick: sim-100): `node_ingest_mb_s` (what \`imzlens ingest\` runs: ingestDataset into a
 * FileSegmentStore with 64 MB segments, in this process, median wall of --runs), `ingest_idb_mb_s` (the page: files
 * picked → dataset listed, ibd MB per wall second, median) and `peak_mem_ingest_mb` (Chromium PSS, all its processes,
 * during those ingests). Written to bench/results/ingest.json (bench/interactive.ts reads these three fields).
 */
async function bigDataset(ctx: BenchContext): Promise<string> {
  const runs = Number(option(ctx.args, '--runs') ?? (ctx.quick ? 1 : 3));
  const side = ctx.quick ? 100 : 472;
  const dataDir = path.join(here, 'data', 'interactive');
  mkdirSync(dataDir, { recursive: true });
  const imzmlPath = simulate(path.join(dataDir, `sim-${side}`), { side, db: path.join(here, '..', 'public/db/core-metabolome-v3.tsv.gz'), nTrue: 60, noisePeaks: 300, seed: 11 }, ctx.log);
  const ibdPath = imzmlPath.replace(/\.imzML$/, '.ibd');
  const ibdMB = statSync(ibdPath).size / 1e6;
  const outDir = path.join(here, 'out', 'ingest-100k');
  const load0 = loadavg();
  const wall: number[] = [], cpu: number[] = [];
  let meta = null as Awaited<ReturnType<typeof ingestDataset>> | null;
  for (let r = 0; r < runs; r++) {
    rmSync(outDir, { recursive: true, force: true });
    const imzml = await NodeFileSource.open(imzmlPath);
    const ibd = await NodeFileSource.open(ibdPath);
    const t = performance.now(), c = cpuNow();
    meta = await ingestDataset({ imzml, ibd, store: new FileSegmentStore(outDir), id: 'b', name: 'b', targetSegmentBytes: 64 * MB });
    wall.push((performance.now() - t) / 1000);
    cpu.push(cpuNow() - c);
    await imzml.close();
    await ibd.close();
    ctx.log(`100k Node ingest ${r + 1}: ${wall[r].toFixed(2)} s wall, ${cpu[r].toFixed(2)} s CPU (${(ibdMB / wall[r]).toFixed(0)} MB/s)`);
  }
  rmSync(outDir, { recursive: true, force: true });
  const load1 = loadavg();
  const page = await measurePageIngest({ files: { imzml: imzmlPath, ibd: ibdPath }, runs, log: ctx.log });
  const pageS = page.ms.map((m) => m / 1000);
  const json = {
    scenario: 'ingest',
    date: new Date().toISOString(),
    quick: ctx.quick,
    dataset: `sim-${side}: ${meta!.nSpectra.toLocaleString('en')} spectra, ${meta!.totalPeaks.toLocaleString('en')} peaks, ibd ${ibdMB.toFixed(0)} MB`,
    ibdMB,
    ingest_idb_mb_s: ibdMB / median(pageS),
    peak_mem_ingest_mb: page.peakPssMB,
    node_ingest_mb_s: ibdMB / median(wall),
    node_ingest_cpu_mb_s: ibdMB / median(cpu),
    node: { wallS: wall, cpuS: cpu, load: [load0, load1] },
    page: { wallS: pageS, timings: page.timings, storageBytes: page.storageBytes, load: page.load },
  };
  ctx.writeJson(json);
  const phases = page.timings.length ? phaseBreakdown(page.timings[page.timings.length - 1]) : [];
  const t = page.timings[page.timings.length - 1];
  return `### The 100k-pixel dataset (issue 13 figures; ${json.dataset})

Node: ingestDataset into FileSegmentStore (64 MB segments), as \`imzlens ingest\`; page: the app in Chromium, files picked →
dataset listed (IndexedDB). Median of ${runs}. Load average: Node part ${load0.map((x) => x.toFixed(1)).join(' / ')} → ${load1.map((x) => x.toFixed(1)).join(' / ')},
after the page part ${page.load.map((x) => x.toFixed(1)).join(' / ')} (2 cores).

| measure | value | each run |
|---|---|---|
| \`node_ingest_mb_s\` (ibd MB per wall second); goal ≥ 300 | **${json.node_ingest_mb_s.toFixed(0)}** | ${wall.map((x) => x.toFixed(2)).join(' / ')} s |
| Node ingest, ibd MB per CPU second | ${json.node_ingest_cpu_mb_s.toFixed(0)} | ${cpu.map((x) => x.toFixed(2)).join(' / ')} s |
| \`ingest_idb_mb_s\` (page, ibd MB per wall second); goal ≥ 120 | **${json.ingest_idb_mb_s.toFixed(1)}** | ${pageS.map((x) => x.toFixed(2)).join(' / ')} s |
| \`peak_mem_ingest_mb\` (Chromium PSS, all processes); goal ≤ 1024 | **${json.peak_mem_ingest_mb.toFixed(0)}** | |
| browser storage used after the ingest (navigator.storage.estimate) | ${(page.storageBytes / 1e6).toFixed(0)} MB | |

${t ? `Last page ingest by phase (the worker's timing line): ${phases.map((p) => `${p.phase} ${(p.ms / 1000).toFixed(2)} s`).join('; ')}; time inside the store's putSegments ${(t.storeMs.putSegments / 1000).toFixed(2)} s (overlaps the sort), commit ${(t.storeMs.commit / 1000).toFixed(2)} s.` : ''}`;
}

/** IndexedDB write rate and an in-page Blob → IndexedDB ingest in Chromium, via harness.html. */
async function browserPart(ctx: BenchContext, quick: boolean): Promise<string> {
  const root = path.resolve(here, '..');
  // one build per bench process, shared with the page scenarios ($BENCH_DIST or a temp dir)
  const dist = path.resolve(buildApp(root, ctx.log));
  const port = Number(process.env.BENCH_PORT ?? 4182);
  // harness.html is not in the product build: build the test harness (its own Vite config) and serve it next to it
  const harness = { config: 'tests/e2e/harness/vite.config.ts', env: { ...process.env, E2E_HARNESS_DIST: `${dist}-harness` } };
  execFileSync('npx', ['vite', 'build', '--config', harness.config, '--logLevel', 'warn'], { cwd: root, env: harness.env, stdio: ['ignore', 'ignore', 'inherit'] });
  const server = spawn('npx', ['vite', 'preview', '--config', harness.config, '--host', '127.0.0.1', '--port', String(port), '--strictPort', '--outDir', dist], { cwd: root, env: harness.env, stdio: 'ignore', detached: true });
  try {
    const url = `http://127.0.0.1:${port}/harness.html`;
    for (let k = 0; ; k++) {
      if (await fetch(url).then((r) => r.ok, () => false)) break;
      if (k > 100) throw new Error(`vite preview did not start on port ${port}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
    try {
      const page = await browser.newPage();
      await page.goto(url);
      await page.waitForSelector('body[data-ready="1"]');
      const totalMB = quick ? 64 : 256;
      const writes: number[] = [];
      for (let r = 0; r < 3; r++) {
        writes.push(await page.evaluate((o) => (window as any).imzlensHarness.storeWriteBench(o).then((x: { mbPerS: number }) => x.mbPerS), { totalMB, segmentMB: 16, perBatch: 2 }));
      }
      const nSpectra = quick ? 2000 : 8000;
      const ingests: number[] = [];
      let ibdBytes = 0;
      for (let r = 0; r < 3; r++) {
        await page.evaluate(() => (window as any).imzlensHarness.storeReset());
        const res = await page.evaluate((o) => (window as any).imzlensHarness.storeIngestGenerated(o), { id: `bench${r}`, nSpectra, peaks: 1000, width: 100 });
        ibdBytes = res.ibdBytes;
        ingests.push(res.ibdBytes / MB / res.seconds);
        if (res.check.peaks !== res.expectedPeaks || !res.check.sorted) throw new Error('in-page ingest check failed');
      }
      await page.evaluate(() => (window as any).imzlensHarness.storeReset());
      ctx.log(`IndexedDB write ${writes.map((x) => x.toFixed(0)).join(', ')} MB/s; in-page ingest ${ingests.map((x) => x.toFixed(0)).join(', ')} MB/s`);
      return `| Chromium (${browser.version()}, headless, main thread of harness.html) | median of 3 |
|---|---|
| IndexedDB write, batched setMany (${totalMB} MB of 16 MB segments, 2 per batch) | **${median(writes).toFixed(0)} MB/s** (goal ≥ 120) |
| in-page ingest Blob → IndexedDB (generated ${(ibdBytes / MB).toFixed(0)} MB ibd, 16 MB segments, includes parse and segmenting) | **${median(ingests).toFixed(0)} MB/s** of ibd |`;
    } finally {
      await browser.close();
    }
  } finally {
    try { process.kill(-server.pid!, 'SIGTERM'); } catch { /* already gone */ }
    rmSync(`${dist}-harness`, { recursive: true, force: true });
  }
}
