// Agreement of a job's annotation rows with a loaded comparison table (a METASPACE export or another imzlens
// run): a status per row of the table, the ions only the other file has, and a one-line summary. The tolerance,
// FDR levels and the overall pass/fail are compare.ts's (the same rule as `imzlens compare`, the loaded file
// being the reference); this module only maps them onto the page's rows. Pure: no DOM.
import type { AnnotationRow as JobRow } from '../job/result.ts';
import {
  AnnotationCsvError, METRICS, ionKey, keyLabel, parseAnnotationCsv,
  type AnnotationRow as CsvRow, type AnnotationTable, type Metric,
} from '../sim/annotations.ts';
import {
  DEFAULT_ATOL, DEFAULT_RTOL, FDR_LEVELS, compareAnnotations, fdrLevel, metricDelta, sharedMetrics,
  type CompareReport, type LevelOverlap,
} from '../sim/compare.ts';

export type AgreementStatus = 'agree' | 'differ' | 'only-here';

export interface AgreementDiff {
  field: Metric | 'fdr';
  ours: number;
  theirs: number;
  /** |ours − theirs| / |theirs|; Infinity when one side has no value; NaN for the FDR level. */
  rel: number;
}

export interface RowAgreement {
  status: AgreementStatus;
  /** Metrics outside tolerance and a different FDR level (empty unless status = 'differ'). */
  diffs: AgreementDiff[];
  /** Largest relative difference over the compared metrics (0 when all equal). */
  maxRel: number;
  /** The matching row of the other file (null = only here). */
  theirs: CsvRow | null;
}

export interface OnlyThere {
  ion: string;
  fdr: number;
  msm: number;
  mz: number;
  /** Line in the other file. */
  line: number;
}

export interface Agreement {
  /** The other file's name and kind. */
  name: string;
  format: AnnotationTable['format'];
  /** Our database that was compared (rows of other databases get no status). */
  database: string;
  rows: Map<string, RowAgreement>;
  onlyThere: OnlyThere[];
  counts: { agree: number; differ: number; onlyHere: number; onlyThere: number };
  /** Metric columns compared (those the other file has). */
  metrics: Metric[];
  /** Highest FDR the other file lists (an ion above it is "not in the file" by construction). */
  theirMaxFdr: number;
  /** `imzlens compare` of our rows (A) against the file (B, the reference): overlap per level, pass/fail. */
  report: CompareReport;
  warnings: string[];
  rtol: number;
  atol: number;
}

export class AgreementError extends Error {
  override name = 'AgreementError';
}

/** Key of a job row in `Agreement.rows`: the ion and its database. */
export function agreementKey(r: Pick<JobRow, 'formula' | 'chemMod' | 'neutralLoss' | 'adduct' | 'database'>): string {
  return `${ionKey(r.formula, r.chemMod, r.neutralLoss, r.adduct)}|${r.database}`;
}

/** The status of one job row; null when its database was not compared. */
export function agreementOf(a: Agreement, r: JobRow): RowAgreement | null {
  return a.rows.get(agreementKey(r)) ?? null;
}

/**
 * Reads a comparison CSV (METASPACE website/python-client export, sci-test report or imzlens results.csv).
 * Throws AnnotationCsvError naming the file, the line and what was expected.
 */
export function parseComparisonCsv(text: string, name: string): AnnotationTable {
  if (/\u0000/.test(text.slice(0, 4096))) {
    throw new AnnotationCsvError(`${name}: this is not a text file; expected a CSV with columns formula, adduct, fdr (a METASPACE export or an imzlens results.csv)`);
  }
  const t = parseAnnotationCsv(text, name);
  if (t.rows.length === 0) {
    throw new AnnotationCsvError(`${name}: no annotation rows below the header; expected one row per ion (formula, adduct, fdr …)`);
  }
  return { ...t, format: isImzlensCsv(text) ? 'imzlens' : 'metaspace' };
}

/**
 * imzlens writes a continuous FDR next to the level (`fdr_continuous` in the CLI's results.csv, `fdrRaw` in the
 * page's export, which also starts with "# imzlens"); METASPACE's exports and reports have neither. (The
 * parser's own guess, ion_formula/chem_mod columns, takes a website export with chemMod for imzlens.)
 */
function isImzlensCsv(text: string): boolean {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/, 200);
  let i = 0;
  for (; i < lines.length && lines[i]!.startsWith('#'); i++) if (/^#\s*imzlens\b/i.test(lines[i]!)) return true;
  return /(^|[,;\t"])(fdr_continuous|fdrRaw)([,;\t"]|$)/.test(lines[i] ?? '');
}

/** The job rows of one database as an annotation table (database left out: the caller picked it). */
function jobTable(rows: readonly JobRow[], name: string): AnnotationTable {
  return {
    name,
    format: 'imzlens',
    metrics: [...METRICS],
    databases: [],
    rows: rows.map((r, i) => ({
      key: ionKey(r.formula, r.chemMod, r.neutralLoss, r.adduct),
      formula: r.formula, chemMod: r.chemMod, neutralLoss: r.neutralLoss, adduct: r.adduct,
      database: null, ionFormula: r.ionFormula, mz: r.mz, fdr: r.fdr, line: i + 1,
      metrics: { chaos: r.chaos, spatial: r.spatial, spectral: r.spectral, mz_err_abs: r.mzErrAbs, mz_err_rel: r.mzErrRel, msm: r.msm },
    })),
  };
}

const dbStem = (s: string) => s.trim().toLowerCase().replace(/\.(csv|tsv|txt)$/, '');

/** Our database to compare: the filter's, the only one, or the one the file names. */
function pickDatabase(rows: readonly JobRow[], other: AnnotationTable, wanted: string | undefined): string {
  const ours = [...new Set(rows.map((r) => r.database))];
  if (wanted) {
    if (!ours.includes(wanted)) throw new AgreementError(`this job has no database '${wanted}' (it has: ${ours.join(', ')})`);
    return wanted;
  }
  if (ours.length === 1) return ours[0]!;
  const named = ours.filter((d) => other.databases.some((o) => dbStem(o) === dbStem(d)));
  if (named.length === 1) return named[0]!;
  throw new AgreementError(`this job has ${ours.length} databases (${ours.join(', ')}): choose one in the Database filter to compare it with ${other.name}`);
}

/** The other file's rows for our database; `notes` gets a line when the names differ. */
function theirRows(other: AnnotationTable, database: string, notes: string[]): CsvRow[] {
  if (other.databases.length === 0) return other.rows;
  const same = other.databases.filter((o) => dbStem(o) === dbStem(database));
  if (same.length) return other.rows.filter((r) => r.database === null || same.includes(r.database));
  if (other.databases.length === 1) {
    notes.push(`compared database ${database} with ${other.name}'s database ${other.databases[0]} (different names)`);
    return other.rows;
  }
  throw new AgreementError(`${other.name} holds databases ${other.databases.join(', ')}, none named ${database}; choose the matching database in the Database filter`);
}

const MAX_WARNINGS = 5;

/**
 * Compares the job rows with `other` (the reference). `database` = the Database filter ('' or undefined = the
 * only database, or the one the file names). Repeated ions in the file keep their first row and give a warning.
 */
export function computeAgreement(
  rows: readonly JobRow[],
  other: AnnotationTable,
  options: { database?: string; rtol?: number; atol?: number } = {},
): Agreement {
  const rtol = options.rtol ?? DEFAULT_RTOL;
  const atol = options.atol ?? DEFAULT_ATOL;
  const warnings: string[] = [];
  const database = pickDatabase(rows, other, options.database || undefined);
  const ourRows = rows.filter((r) => r.database === database);

  // the file's rows, each ion once
  const theirs = new Map<string, CsvRow>();
  let repeats = 0;
  for (const r of theirRows(other, database, warnings)) {
    const prev = theirs.get(r.key);
    if (!prev) { theirs.set(r.key, r); continue; }
    if (++repeats <= MAX_WARNINGS) warnings.push(`${other.name} line ${r.line}: ion ${keyLabel(r.key)} repeats line ${prev.line}; line ${prev.line} is used`);
  }
  if (repeats > MAX_WARNINGS) warnings.push(`${other.name}: ${repeats - MAX_WARNINGS} more repeated ions (a file with several datasets or databases?)`);
  const B: AnnotationTable = { ...other, rows: [...theirs.values()], databases: [] };
  const A = jobTable(ourRows, 'this job');
  const metrics = sharedMetrics(A, B);
  if (metrics.length === 0) warnings.push(`${other.name} has no metric columns (msm, chaos, spatial, spectral …): only FDR levels are compared`);

  const out = new Map<string, RowAgreement>();
  const counts = { agree: 0, differ: 0, onlyHere: 0, onlyThere: 0 };
  const seen = new Set<string>();
  for (const [i, r] of ourRows.entries()) {
    const key = A.rows[i]!.key;
    const t = theirs.get(key) ?? null;
    if (!t) {
      out.set(agreementKey(r), { status: 'only-here', diffs: [], maxRel: 0, theirs: null });
      counts.onlyHere++;
      continue;
    }
    seen.add(key);
    const diffs: AgreementDiff[] = [];
    let maxRel = 0;
    for (const m of metrics) {
      const ours = A.rows[i]!.metrics[m];
      const d = metricDelta(ours, t.metrics[m], rtol, atol);
      if (d.rel > maxRel) maxRel = d.rel;
      if (!d.close) diffs.push({ field: m, ours, theirs: t.metrics[m], rel: d.rel });
    }
    if (fdrLevel(r.fdr) !== fdrLevel(t.fdr)) diffs.push({ field: 'fdr', ours: r.fdr, theirs: t.fdr, rel: NaN });
    const status = diffs.length ? 'differ' : 'agree';
    counts[status]++;
    out.set(agreementKey(r), { status, diffs, maxRel, theirs: t });
  }
  const onlyThere: OnlyThere[] = [];
  for (const [k, t] of theirs) {
    if (seen.has(k)) continue;
    onlyThere.push({ ion: keyLabel(k), fdr: t.fdr, msm: t.metrics.msm, mz: t.mz, line: t.line });
  }
  onlyThere.sort((x, y) => x.fdr - y.fdr || (y.msm || 0) - (x.msm || 0) || x.line - y.line);
  counts.onlyThere = onlyThere.length;

  return {
    name: other.name, format: other.format, database, rows: out, onlyThere, counts, metrics,
    theirMaxFdr: B.rows.reduce((m, r) => Math.max(m, r.fdr), 0),
    report: compareAnnotations(A, B, { rtol, atol }),
    warnings, rtol, atol,
  };
}

// ---- display helpers (pure text, shared by the table, the panel and the tests) ----

const pct = (f: number) => `${+(f * 100).toFixed(1)} %`;
const val = (x: number) => (Number.isNaN(x) ? '(empty)' : String(+x.toPrecision(7)));
const relText = (r: number) => (r === Infinity ? 'one side empty' : `rel. diff ${r.toExponential(1)}`);

/** "METASPACE export" / "imzlens results" + name. */
export function sourceLabel(a: Pick<Agreement, 'format' | 'name'>): string {
  return `${a.format === 'metaspace' ? 'METASPACE export' : 'imzlens results'} ${a.name}`;
}

/** Short cell text for a row status. */
export function statusText(s: RowAgreement | null): string {
  if (!s) return '';
  if (s.status === 'agree') return '✓';
  if (s.status === 'only-here') return 'only here';
  const fields = s.diffs.map((d) => (d.field === 'fdr' ? 'FDR' : d.field));
  return `≠ ${fields.join(', ')}`;
}

/** Tooltip of a row status: which metric, both values and the relative difference. */
export function statusTitle(a: Agreement, s: RowAgreement | null, r: Pick<JobRow, 'database'>): string {
  if (!s) return `database ${r.database} was not compared with ${a.name}`;
  if (s.status === 'only-here') {
    const cut = a.theirMaxFdr < 1 ? ` (it lists ions up to FDR ${pct(a.theirMaxFdr)})` : '';
    return `not in ${a.name}${cut}`;
  }
  const where = `${a.name} line ${s.theirs!.line}`;
  if (s.status === 'agree') {
    return `agrees with ${where}: ${a.metrics.length ? `${a.metrics.join(', ')} within rtol ${a.rtol} (largest rel. diff ${s.maxRel ? s.maxRel.toExponential(1) : '0'}), ` : ''}same FDR level`;
  }
  const lines = s.diffs.map((d) => d.field === 'fdr'
    ? `FDR: ${pct(d.ours)} here vs ${pct(d.theirs)} in ${a.name}`
    : `${d.field}: ${val(d.ours)} here vs ${val(d.theirs)} in ${a.name} (${relText(d.rel)})`);
  return [`differs from ${where}:`, ...lines].join('\n');
}

/** The overlap at an FDR level (one of FDR_LEVELS; other values fall back to 10 %). */
export function overlapAt(a: Agreement, fdr: number): LevelOverlap {
  const l = a.report.levels.find((x) => Math.abs(x.fdr - fdr) < 1e-9) ?? a.report.levels[FDR_LEVELS.indexOf(0.1)]!;
  return l;
}

/** "METASPACE export X: 52 agree, 3 differ, 0 only here, 1 only in X (FDR ≤ 10 %: overlap 55/55)". */
export function agreementSummary(a: Agreement, fdr = 0.1): string {
  const l = overlapAt(a, fdr);
  const c = a.counts;
  return `${sourceLabel(a)}: ${c.agree} agree, ${c.differ} differ, ${c.onlyHere} only here, ${c.onlyThere} only in ${a.name}` +
    ` (FDR ≤ ${pct(l.fdr)}: overlap ${l.both}/${l.nA + l.nB - l.both})`;
}

// ---- sorting and filtering the table by agreement ----

export type AgreementFilter = 'all' | 'differ' | 'not-agree' | 'agree' | 'only-here';
export const AGREEMENT_FILTERS: { value: AgreementFilter; label: string }[] = [
  { value: 'all', label: 'all rows' },
  { value: 'differ', label: '≠ differ' },
  { value: 'not-agree', label: 'not ✓' },
  { value: 'agree', label: '✓ agree' },
  { value: 'only-here', label: 'only here' },
];

const RANK: Record<AgreementStatus, number> = { differ: 0, 'only-here': 1, agree: 2 };

/** Rows kept by an agreement filter (rows of a database that was not compared only pass 'all'). */
export function filterByAgreement<R extends JobRow>(rows: R[], a: Agreement, f: AgreementFilter): R[] {
  if (f === 'all') return rows;
  return rows.filter((r) => {
    const s = agreementOf(a, r)?.status;
    if (!s) return false;
    return f === 'not-agree' ? s !== 'agree' : s === f;
  });
}

/** Stable sort by status (differ, only here, agree, not compared; reversed when desc); ties keep their order. */
export function sortByAgreement<R extends JobRow>(rows: R[], a: Agreement, desc: boolean): R[] {
  const dir = desc ? -1 : 1;
  const rank = (r: JobRow) => {
    const s = agreementOf(a, r);
    return s ? RANK[s.status] : 3;
  };
  return rows
    .map((r, i) => ({ r, i, k: rank(r) }))
    .sort((x, y) => (x.k - y.k) * dir || x.i - y.i)
    .map((x) => x.r);
}

/** The table rows as the page shows them with a comparison: filtered, then sorted by status if asked. */
export function applyAgreement<R extends JobRow>(rows: R[], a: Agreement | null, view: { show: AgreementFilter; sort: boolean | null }): R[] {
  if (!a) return rows;
  const kept = filterByAgreement(rows, a, view.show);
  return view.sort === null ? kept : sortByAgreement(kept, a, view.sort);
}
