// Compares two annotation tables (imzlens vs METASPACE, or imzlens vs imzlens) the way METASPACE's scientific
// regression test judges a run: metrics equal within numpy-isclose tolerance (|a − b| ≤ atol + rtol·|b|, b the
// reference = second table) and FDR within one level of [0.05, 0.1, 0.2, 0.5] (an ion absent from a table, or
// above 0.5, counts as the level "not annotated", one step past 0.5). Pure: the page can use it on a loaded CSV.
import { METRICS, keyLabel, type AnnotationRow, type AnnotationTable, type Metric } from './annotations.ts';

export const FDR_LEVELS = [0.05, 0.1, 0.2, 0.5] as const;

export interface CompareOptions {
  rtol?: number;
  atol?: number;
  /** Keep only rows of this database (needed when a table holds several). */
  database?: string;
  /** Also fail when an ion is annotated (FDR ≤ 0.5) on one side only, whatever its level. */
  strict?: boolean;
}

export interface LevelOverlap {
  fdr: number;
  nA: number;
  nB: number;
  both: number;
  onlyA: number;
  onlyB: number;
}

export interface MetricDiff {
  metric: Metric;
  /** Ions present on both sides with a value on at least one side. */
  compared: number;
  maxAbs: number;
  maxRel: number;
  /** Ions outside tolerance (including a value on one side only). */
  nFail: number;
  worst: { ion: string; a: number; b: number } | null;
}

export interface CompareReport {
  a: { name: string; format: string; rows: number };
  b: { name: string; format: string; rows: number };
  rtol: number;
  atol: number;
  levels: LevelOverlap[];
  metrics: MetricDiff[];
  fdr: { compared: number; sameLevel: number; oneLevel: number; beyond: number; worst: { ion: string; a: number; b: number }[] };
  /** Ions annotated (FDR ≤ 0.5) only in A / only in B, with their FDR there. */
  onlyA: { ion: string; fdr: number }[];
  onlyB: { ion: string; fdr: number }[];
  failures: string[];
  pass: boolean;
}

/** Index of the FDR level an ion falls in: 0..3 for 5/10/20/50 %, 4 = not annotated (fdr > 0.5 or absent). */
export function fdrLevel(fdr: number | undefined): number {
  if (fdr === undefined || !(fdr <= 1)) return FDR_LEVELS.length;
  for (let i = 0; i < FDR_LEVELS.length; i++) if (fdr <= FDR_LEVELS[i]! + 1e-9) return i;
  return FDR_LEVELS.length;
}

/** METASPACE sci-test tolerance (numpy.isclose defaults). */
export const DEFAULT_RTOL = 1e-5;
export const DEFAULT_ATOL = 1e-8;

/** numpy.isclose(a, b) with equal_nan: b is the reference. */
export function isClose(a: number, b: number, rtol = DEFAULT_RTOL, atol = DEFAULT_ATOL): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (a === b) return true;
  return Math.abs(a - b) <= atol + rtol * Math.abs(b);
}

export interface MetricDelta {
  close: boolean;
  /** |a − b|; Infinity when only one side has a value. */
  abs: number;
  /** |a − b| / |b| (b the reference); 0 when equal. */
  rel: number;
  /** How far |a − b| exceeds the tolerance (negative = inside); ranks the worst ion. */
  excess: number;
}

/** One metric of one ion on both sides (b the reference): the per-ion check behind the report and the page. */
export function metricDelta(a: number, b: number, rtol = DEFAULT_RTOL, atol = DEFAULT_ATOL): MetricDelta {
  const close = isClose(a, b, rtol, atol);
  const abs = Number.isNaN(a) || Number.isNaN(b) ? (close ? 0 : Infinity) : Math.abs(a - b);
  const rel = abs === 0 ? 0 : abs / Math.max(Math.abs(b), Number.MIN_VALUE);
  const excess = abs === Infinity ? Infinity : abs - (atol + rtol * Math.abs(b));
  return { close, abs, rel, excess };
}

/** Metric columns both tables have (the ones a comparison can check). */
export function sharedMetrics(a: AnnotationTable, b: AnnotationTable): Metric[] {
  return METRICS.filter((m) => a.metrics.includes(m) && b.metrics.includes(m));
}

function index(t: AnnotationTable, database: string | undefined): Map<string, AnnotationRow> {
  let rows = t.rows;
  if (database !== undefined) {
    if (t.databases.length && !t.databases.includes(database)) {
      throw new Error(`${t.name}: no rows of database '${database}' (it has: ${t.databases.join(', ')})`);
    }
    rows = rows.filter((r) => r.database === null || r.database === database);
  } else if (t.databases.length > 1) {
    throw new Error(`${t.name} holds several databases (${t.databases.join(', ')}); choose one with --database NAME`);
  }
  const m = new Map<string, AnnotationRow>();
  for (const r of rows) {
    const prev = m.get(r.key);
    if (prev) throw new Error(`${t.name} line ${r.line}: ion ${keyLabel(r.key)} already appears on line ${prev.line}; each ion must appear once per database`);
    m.set(r.key, r);
  }
  return m;
}

export function compareAnnotations(a: AnnotationTable, b: AnnotationTable, options: CompareOptions = {}): CompareReport {
  const rtol = options.rtol ?? DEFAULT_RTOL;
  const atol = options.atol ?? DEFAULT_ATOL;
  const A = index(a, options.database);
  const B = index(b, options.database);
  const keys = [...new Set([...A.keys(), ...B.keys()])].sort();
  const failures: string[] = [];

  const levels: LevelOverlap[] = FDR_LEVELS.map((fdr, li) => {
    let nA = 0, nB = 0, both = 0;
    for (const k of keys) {
      const inA = fdrLevel(A.get(k)?.fdr) <= li;
      const inB = fdrLevel(B.get(k)?.fdr) <= li;
      if (inA) nA++;
      if (inB) nB++;
      if (inA && inB) both++;
    }
    return { fdr, nA, nB, both, onlyA: nA - both, onlyB: nB - both };
  });

  const compareMetrics = sharedMetrics(a, b);
  const metrics: MetricDiff[] = compareMetrics.map((metric) => {
    let compared = 0, maxAbs = 0, maxRel = 0, nFail = 0;
    let worst: MetricDiff['worst'] = null;
    let worstScore = -1;
    for (const k of keys) {
      const ra = A.get(k), rb = B.get(k);
      if (!ra || !rb) continue;
      const va = ra.metrics[metric], vb = rb.metrics[metric];
      if (Number.isNaN(va) && Number.isNaN(vb)) continue;
      compared++;
      const { close, abs, rel, excess } = metricDelta(va, vb, rtol, atol);
      if (abs > maxAbs) maxAbs = abs;
      if (rel > maxRel) maxRel = rel;
      if (!close) nFail++;
      // worst = largest excess over the tolerance
      if (excess > worstScore) { worstScore = excess; worst = { ion: keyLabel(k), a: va, b: vb }; }
    }
    if (nFail) failures.push(`${metric}: ${nFail} of ${compared} ions differ beyond rtol ${rtol} / atol ${atol} (worst ${worst!.ion}: ${worst!.a} vs ${worst!.b})`);
    return { metric, compared, maxAbs, maxRel, nFail, worst };
  });
  for (const m of METRICS) {
    if (!compareMetrics.includes(m)) {
      const side = a.metrics.includes(m) ? b.name : b.metrics.includes(m) ? a.name : null;
      if (side) failures.push(`${m}: not compared (no '${m}' column in ${side})`);
    }
  }
  // a column missing on one side is reported but does not fail the comparison by itself
  const hardFailures = failures.filter((f) => !f.includes('not compared'));

  let compared = 0, sameLevel = 0, oneLevel = 0, beyond = 0;
  const worstFdr: { ion: string; a: number; b: number }[] = [];
  for (const k of keys) {
    const fa = A.get(k)?.fdr, fb = B.get(k)?.fdr;
    const la = fdrLevel(fa), lb = fdrLevel(fb);
    if (la === FDR_LEVELS.length && lb === FDR_LEVELS.length) continue; // annotated on neither side
    compared++;
    const d = Math.abs(la - lb);
    if (d === 0) sameLevel++;
    else if (d === 1) oneLevel++;
    else { beyond++; worstFdr.push({ ion: keyLabel(k), a: fa ?? NaN, b: fb ?? NaN }); }
  }
  if (beyond) {
    const ex = worstFdr.slice(0, 5).map((w) => `${w.ion} ${fmtFdr(w.a)} vs ${fmtFdr(w.b)}`).join(', ');
    hardFailures.push(`fdr: ${beyond} of ${compared} ions are two or more FDR levels apart (${ex}${beyond > 5 ? ', …' : ''})`);
  }

  const onlyA: CompareReport['onlyA'] = [];
  const onlyB: CompareReport['onlyB'] = [];
  for (const k of keys) {
    const ra = A.get(k), rb = B.get(k);
    const la = fdrLevel(ra?.fdr), lb = fdrLevel(rb?.fdr);
    if (la < FDR_LEVELS.length && lb === FDR_LEVELS.length) onlyA.push({ ion: keyLabel(k), fdr: ra!.fdr });
    if (lb < FDR_LEVELS.length && la === FDR_LEVELS.length) onlyB.push({ ion: keyLabel(k), fdr: rb!.fdr });
  }
  if (options.strict && (onlyA.length || onlyB.length)) {
    hardFailures.push(`strict: ${onlyA.length} ion(s) annotated only in ${a.name}, ${onlyB.length} only in ${b.name}`);
  }

  return {
    a: { name: a.name, format: a.format, rows: A.size },
    b: { name: b.name, format: b.format, rows: B.size },
    rtol, atol, levels, metrics,
    fdr: { compared, sameLevel, oneLevel, beyond, worst: worstFdr },
    onlyA, onlyB,
    failures: [...hardFailures, ...failures.filter((f) => f.includes('not compared'))],
    pass: hardFailures.length === 0,
  };
}

const fmtFdr = (f: number) => (Number.isNaN(f) ? 'absent' : String(f));
const fmt = (x: number) => (x === Infinity ? 'one-sided' : x === 0 ? '0' : x.toExponential(2));

/** Plain-text summary for the terminal. */
export function formatCompareReport(r: CompareReport, maxList = 20): string {
  const out: string[] = [];
  out.push(`A: ${r.a.name} (${r.a.format}, ${r.a.rows} ions)   B (reference): ${r.b.name} (${r.b.format}, ${r.b.rows} ions)`);
  out.push('', 'FDR ≤    A      B   both  only A  only B');
  for (const l of r.levels) {
    out.push(`${`${Math.round(l.fdr * 100)}%`.padStart(5)} ${String(l.nA).padStart(5)} ${String(l.nB).padStart(6)} ${String(l.both).padStart(6)} ${String(l.onlyA).padStart(7)} ${String(l.onlyB).padStart(7)}`);
  }
  out.push('', `metric        compared   max abs    max rel   outside rtol ${r.rtol} / atol ${r.atol}`);
  for (const m of r.metrics) {
    out.push(`${m.metric.padEnd(12)} ${String(m.compared).padStart(9)} ${fmt(m.maxAbs).padStart(10)} ${fmt(m.maxRel).padStart(10)}   ${m.nFail}${m.nFail && m.worst ? ` (worst ${m.worst.ion}: ${m.worst.a} vs ${m.worst.b})` : ''}`);
  }
  out.push('', `FDR levels: ${r.fdr.compared} ions annotated on either side: ${r.fdr.sameLevel} same level, ${r.fdr.oneLevel} one level apart, ${r.fdr.beyond} further`);
  const list = (title: string, xs: { ion: string; fdr: number }[]) => {
    if (!xs.length) return;
    out.push(`${title} (${xs.length}): ${xs.slice(0, maxList).map((x) => `${x.ion} (${x.fdr})`).join(', ')}${xs.length > maxList ? ', …' : ''}`);
  };
  out.push('');
  list(`annotated only in A`, r.onlyA);
  list(`annotated only in B`, r.onlyB);
  if (r.failures.length) out.push('', ...r.failures.map((f) => `- ${f}`));
  out.push('', r.pass ? 'PASS (METASPACE sci-test tolerance)' : 'FAIL (METASPACE sci-test tolerance)');
  return `${out.join('\n')}\n`;
}
