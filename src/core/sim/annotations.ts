// Reads annotation tables for comparison and recall: imzlens results.csv, METASPACE sci-test reports
// (`formula,adduct,chaos,spatial,spectral,mz_err_abs,mz_err_rel,msm,fdr`) and METASPACE website/python-client
// exports (leading '#' comment lines; `moc`/`rhoSpatial`/`rhoSpectral` names). One row per annotation.
import Papa from 'papaparse';

export const METRICS = ['chaos', 'spatial', 'spectral', 'mz_err_abs', 'mz_err_rel', 'msm'] as const;
export type Metric = (typeof METRICS)[number];

export interface AnnotationRow {
  /** formula|chem_mod|neutral_loss|adduct (empty modifiers for METASPACE reports). */
  key: string;
  formula: string;
  chemMod: string;
  neutralLoss: string;
  adduct: string;
  database: string | null;
  ionFormula: string | null;
  mz: number;
  fdr: number;
  /** NaN where the file has no value or no column. */
  metrics: Record<Metric, number>;
  /** 1-based line of the row in the file (header = 1 after any comment lines). */
  line: number;
}

export interface AnnotationTable {
  name: string;
  format: 'imzlens' | 'metaspace';
  rows: AnnotationRow[];
  /** Metric columns present in the file. */
  metrics: Metric[];
  databases: string[];
}

export class AnnotationCsvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AnnotationCsvError';
  }
}

const ALIASES: Record<string, string> = {
  moc: 'chaos', rhochaos: 'chaos', rhospatial: 'spatial', rhospectral: 'spectral', sf: 'formula', sum_formula: 'formula',
  chemmod: 'chem_mod', neutralloss: 'neutral_loss', ionformula: 'ion_formula', mzerrabs: 'mz_err_abs', mzerrrel: 'mz_err_rel',
};

export function ionKey(formula: string, chemMod: string, neutralLoss: string, adduct: string): string {
  return `${formula}|${chemMod}|${neutralLoss}|${adduct}`;
}

/** Human form of a key, METASPACE style: C6H12O6-H2O+Na. */
export function keyLabel(key: string): string {
  const [f, c, n, a] = key.split('|');
  return `${f}${c}${n}${a}`;
}

/** Parses one annotation CSV/TSV (delimiter detected). Throws AnnotationCsvError naming the file and row. */
export function parseAnnotationCsv(text: string, name: string): AnnotationTable {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let skip = 0;
  while (skip < lines.length && lines[skip]!.startsWith('#')) skip++;
  const body = lines.slice(skip).join('\n');
  const parsed = Papa.parse<Record<string, string>>(body, {
    header: true,
    skipEmptyLines: true,
    transformHeader: (h) => {
      const k = h.trim().toLowerCase();
      return ALIASES[k.replace(/[_\s]/g, '')] ?? ALIASES[k] ?? k;
    },
  });
  const fields = parsed.meta.fields ?? [];
  for (const need of ['formula', 'adduct', 'fdr']) {
    if (!fields.includes(need)) {
      throw new AnnotationCsvError(`${name}: no '${need}' column (found: ${fields.join(', ') || 'none'}); expected an imzlens results.csv or a METASPACE annotation export`);
    }
  }
  const format = fields.includes('ion_formula') || fields.includes('chem_mod') ? 'imzlens' : 'metaspace';
  const metrics = METRICS.filter((m) => fields.includes(m));
  const dbs = new Set<string>();
  const rows: AnnotationRow[] = [];
  parsed.data.forEach((r, i) => {
    const line = skip + i + 2;
    const formula = (r.formula ?? '').trim();
    const adduct = (r.adduct ?? '').trim();
    if (!formula) throw new AnnotationCsvError(`${name} line ${line}: empty formula`);
    const fdr = num(r.fdr);
    if (!(fdr >= 0 && fdr <= 1)) throw new AnnotationCsvError(`${name} line ${line}: fdr '${r.fdr ?? ''}' is not a number within 0..1`);
    const chemMod = (r.chem_mod ?? '').trim();
    const neutralLoss = (r.neutral_loss ?? '').trim();
    const database = r.database !== undefined ? r.database.trim() : null;
    if (database !== null) dbs.add(database);
    const m = {} as Record<Metric, number>;
    for (const k of METRICS) m[k] = num(r[k]);
    rows.push({
      key: ionKey(formula, chemMod, neutralLoss, adduct),
      formula, chemMod, neutralLoss, adduct, database,
      ionFormula: r.ion_formula?.trim() || null,
      mz: num(r.mz),
      fdr,
      metrics: m,
      line,
    });
  });
  if (parsed.errors.length && rows.length === 0) {
    const e = parsed.errors[0]!;
    throw new AnnotationCsvError(`${name}: cannot read the CSV (${e.message} near row ${(e.row ?? 0) + skip + 2})`);
  }
  return { name, format, rows, metrics, databases: [...dbs] };
}

function num(s: string | undefined): number {
  if (s === undefined) return NaN;
  const t = s.trim();
  if (t === '' || /^nan$/i.test(t)) return NaN;
  const v = Number(t);
  return Number.isFinite(v) ? v : NaN;
}
