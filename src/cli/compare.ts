// `imzlens compare A.csv B.csv [--json] [--database NAME] [--strict] [--rtol 1e-5] [--atol 1e-8]`
// Compares annotation results (imzlens results.csv or a METASPACE export); B is the reference.
// Exit 0 when A matches B within METASPACE's sci-test tolerance, 1 when not.
// `imzlens compare RESULTS.csv --truth PREFIX.truth.csv [--json]`: recall of a simulated dataset's planted ions.
import { parseArgs } from 'node:util';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseAnnotationCsv } from '../core/sim/annotations.ts';
import { compareAnnotations, formatCompareReport } from '../core/sim/compare.ts';
import { computeRecall, parseTruthCsv, type RecallReport } from '../core/sim/recall.ts';

const USAGE = `usage: imzlens compare A.csv B.csv [--json] [--database NAME] [--strict] [--rtol 1e-5] [--atol 1e-8]
       imzlens compare RESULTS.csv --truth PREFIX.truth.csv [--json] [--database NAME]   (recall on simulated data)
  A, B: imzlens results.csv or METASPACE annotation export (formula,adduct,chaos,spatial,spectral,mz_err_abs,mz_err_rel,msm,fdr);
  B is the reference. Exit 0 = within METASPACE sci-test tolerance, 1 = not.`;

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    throw new Error(`${path}: cannot read the file: check the path`);
  }
}

async function load(path: string) {
  return parseAnnotationCsv(await readText(path), basename(path));
}

function formatRecall(r: RecallReport): string {
  const out = [`${r.nPlanted} planted ions`];
  for (const l of r.levels) {
    out.push(`FDR ≤ ${Math.round(l.fdr * 100)}%: found ${l.found} (recall ${(100 * l.recall).toFixed(1)} %); other annotations: ` +
      `${l.alias} alias (same ion formula), ${l.overlap} near-isobars of planted peaks, ${l.background} on background peaks, ` +
      `${l.false} false (${(100 * l.falseFraction).toFixed(1)} % of all)`);
  }
  if (r.missed.length) out.push(`missed: ${r.missed.map((m) => `${m.formula}${m.adduct}`).join(', ')}`);
  const f = r.extra.filter((e) => e.kind === 'false');
  if (f.length) out.push(`false: ${f.slice(0, 30).map((e) => `${e.ion} (${e.fdr})`).join(', ')}${f.length > 30 ? ', …' : ''}`);
  return `${out.join('\n')}\n`;
}

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      database: { type: 'string' },
      strict: { type: 'boolean', default: false },
      rtol: { type: 'string' },
      atol: { type: 'string' },
      truth: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (values.truth !== undefined) {
    if (positionals.length !== 1) throw new Error(`with --truth give exactly one results CSV (got ${positionals.length})\n${USAGE}`);
    const results = await load(positionals[0]!);
    let rows = results.rows;
    if (values.database !== undefined) rows = rows.filter((r) => r.database === null || r.database === values.database);
    else if (results.databases.length > 1) throw new Error(`${results.name} holds several databases (${results.databases.join(', ')}); choose one with --database NAME`);
    const report = computeRecall(parseTruthCsv(await readText(values.truth), basename(values.truth)), rows);
    process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatRecall(report));
    return 0;
  }
  if (positionals.length !== 2) {
    process.stderr.write(`imzlens compare: give exactly two CSV files (got ${positionals.length})\n${USAGE}\n`);
    return 2;
  }
  const tol = (name: string, v: string | undefined) => {
    if (v === undefined) return undefined;
    const x = Number(v);
    if (!(x >= 0)) throw new Error(`--${name} must be a number ≥ 0 (got '${v}')`);
    return x;
  };
  const [a, b] = await Promise.all([load(positionals[0]!), load(positionals[1]!)]);
  const report = compareAnnotations(a, b, {
    database: values.database,
    strict: values.strict,
    rtol: tol('rtol', values.rtol),
    atol: tol('atol', values.atol),
  });
  if (values.json) {
    // JSON has no Infinity: a one-sided value shows as null
    process.stdout.write(`${JSON.stringify(report, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`);
  } else {
    process.stdout.write(formatCompareReport(report));
  }
  return report.pass ? 0 : 1;
}
