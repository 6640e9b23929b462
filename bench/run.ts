// `npm run bench [-- name ...] [--quick] [--sample F]`: runs benchmark scenarios; each writes
// bench/results/<name>.md (+ <name>.json when it has machine-readable rows), then bench/RESULTS.md and the
// charts (bench/chart.svg, bench/chart-ions.svg) are rebuilt from all result files, so one scenario can be
// re-run alone. `--quick` runs every scenario at small sizes and writes into bench/results/quick/ instead, so a
// quick run never overwrites the full figures; RESULTS.md shows the last quick run in its own section.
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpus, loadavg } from 'node:os';

export interface BenchContext {
  quick: boolean;
  args: string[];
  /** Writes this scenario's markdown section. */
  write(markdown: string): void;
  /** Writes this scenario's machine-readable results (bench/results/<name>.json), read by the chart builder. */
  writeJson(value: unknown): void;
  log(line: string): void;
}

const here = dirname(fileURLToPath(import.meta.url));
const SCENARIOS: Record<string, () => Promise<{ run(ctx: BenchContext): Promise<void> }>> = {
  ingest: () => import('./ingest.ts'),
  isotopes: () => import('./isotopes.ts'),
  typical: () => import('./typical.ts'),
  interactive: () => import('./interactive.ts'),
  large: () => import('./large.ts'),
  'first-job': () => import('./first-job.ts'),
  // older scenarios, run only when named: `annotate` (mol_db5/HMDB sweep) and `page` (mol_db5 in the page)
  // are superseded by typical and interactive
  annotate: () => import('./annotate.ts'),
  page: () => import('./page.ts'),
};
const DEFAULT = ['ingest', 'isotopes', 'typical', 'interactive', 'large', 'first-job'];
/** Options that take a value (so the value is not read as a scenario name). */
const VALUED = new Set(['--sample', '--runs', '--sizes', '--baseline']);

export function chromiumVersionLine(): string {
  try {
    return execFileSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'Chromium not found';
  }
}

export function machineLine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `${new Date().toISOString().slice(0, 10)} · ${cpu} · ${cpus().length} cores · Node ${process.version}`;
}

/** Value of `--name V` or `--name=V` in args. */
export function option(args: readonly string[], name: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === name) return args[i + 1];
    if (args[i]!.startsWith(`${name}=`)) return args[i]!.slice(name.length + 1);
  }
  return undefined;
}

export function scenarioNames(args: readonly string[]): string[] {
  const names: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (VALUED.has(a)) { i++; continue; }
    if (!a.startsWith('--')) names.push(a);
  }
  return names;
}

export async function run(args: string[]): Promise<number> {
  const quick = args.includes('--quick');
  const names = scenarioNames(args);
  const chosen = names.length ? names : DEFAULT;
  const unknown = chosen.filter((n) => !SCENARIOS[n]);
  if (unknown.length) {
    process.stderr.write(`bench: unknown scenario '${unknown.join("', '")}' (known: ${Object.keys(SCENARIOS).join(', ')})\n`);
    return 2;
  }
  const resultsDir = join(here, 'results', ...(quick ? ['quick'] : []));
  mkdirSync(resultsDir, { recursive: true });
  const t0 = performance.now();
  const timings: { scenario: string; seconds: number }[] = [];
  for (const name of chosen) {
    let mod;
    try {
      mod = await SCENARIOS[name]!();
    } catch (e) {
      process.stderr.write(`bench: scenario '${name}' is not available: ${(e as Error).message}\n`);
      continue;
    }
    process.stderr.write(`bench: ${name}${quick ? ' (quick)' : ''}\n`);
    const ts = performance.now();
    await mod.run({
      quick,
      args,
      write: (md) => writeFileSync(join(resultsDir, `${name}.md`), `${md.trim()}\n\n_Machine: ${machineLine()}_\n`),
      writeJson: (v) => writeFileSync(join(resultsDir, `${name}.json`), `${JSON.stringify(v, null, 1)}\n`),
      log: (line) => process.stderr.write(`  ${line}\n`),
    });
    timings.push({ scenario: name, seconds: (performance.now() - ts) / 1000 });
  }
  const total = (performance.now() - t0) / 1000;
  if (quick) {
    writeFileSync(join(resultsDir, '_run.json'), `${JSON.stringify({ date: new Date().toISOString(), scenarios: timings, totalSeconds: total, load: loadavg() }, null, 1)}\n`);
  }
  const { buildCharts } = await import('./chart.ts');
  buildCharts(join(here, 'results'), here);
  rebuildResults();
  process.stderr.write(`bench: done in ${total.toFixed(1)} s (${timings.map((t) => `${t.scenario} ${t.seconds.toFixed(1)} s`).join(', ')})\n`);
  return 0;
}

/** Section order of RESULTS.md: the seed's experiments and the scaling summary first, then the rest by name. */
const ORDER = ['first-job', 'first-job-before', 'typical', 'interactive', 'interactive-sizes', 'viewer-tools', 'metaspace-ml-v3', 'large', 'scaling', 'ingest', 'isotopes', 'page', 'annotate-manual', 'annotate'];

function sections(dir: string): string {
  const rank = (f: string) => { const i = ORDER.indexOf(f.replace(/\.md$/, '')); return i < 0 ? ORDER.length : i; };
  const parts = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.md')).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b)) : [];
  return parts.map((f) => readFileSync(join(dir, f), 'utf8').trim()).join('\n\n');
}

export function rebuildResults(): void {
  const dir = join(here, 'results');
  const body = sections(dir);
  const quickDir = join(dir, 'quick');
  let quick = '';
  if (existsSync(join(quickDir, '_run.json'))) {
    const q = JSON.parse(readFileSync(join(quickDir, '_run.json'), 'utf8')) as { date: string; scenarios: { scenario: string; seconds: number }[]; totalSeconds: number; load: number[] };
    quick = `\n\n# Quick run (\`npm run bench -- --quick\`)\n\n${q.date.slice(0, 16).replace('T', ' ')} UTC: **${q.totalSeconds.toFixed(0)} s** in all (goal < 180 s) — ` +
      `${q.scenarios.map((s) => `${s.scenario} ${s.seconds.toFixed(0)} s`).join(', ')}; load average at the end ${q.load.map((x) => x.toFixed(1)).join(' / ')}. ` +
      `Small sizes: the figures show that every scenario works, not how fast the full ones are.\n\n${sections(quickDir).replace(/^## /gm, '### ')}`;
  }
  const charts = ['chart.svg', 'chart-ions.svg'].filter((f) => existsSync(join(here, f)));
  const header = `# imzlens benchmark results

Written by \`npm run bench\`; each section by its scenario (bench/results/*.md, machine-readable rows in
bench/results/*.json). Rebuilt ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores,
Node ${process.version}, ${chromiumVersionLine()}; load average (1/5/15 min) ${loadavg().map((x) => x.toFixed(2)).join(' / ')}.
Each section states its own date and the load average while it ran (the machine is shared with other jobs).
${charts.length ? `\nCharts: ${charts.map((c) => `[${c}](${c})`).join(', ')} (from the JSON results).\n` : ''}`;
  writeFileSync(join(here, 'RESULTS.md'), `${header}\n${body}${quick}\n`);
}
