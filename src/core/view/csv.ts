// CSV export of the annotation table. Like METASPACE's export, the header lines (starting with '#')
// record when and with which parameters the table was made, so a CSV file documents itself.
import type { AnnotationRow, JobResult } from '../job/result.ts';
import { mzErrorPpm } from './table.ts';

/** Quotes a field when it contains a delimiter, quote or newline (RFC 4180). */
export function csvField(v: string | number): string {
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : v;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const CSV_COLUMNS = [
  'formula', 'adduct', 'chemMod', 'neutralLoss', 'ion', 'ionFormula', 'mz', 'msm', 'fdr', 'fdrRaw',
  'rhoSpatial', 'rhoSpectral', 'rhoChaos', 'mzErrPpm', 'mzErrAbs', 'mzErrRel', 'totalIntensity', 'maxIntensity', 'database',
  'moleculeNames', 'moleculeIds',
] as const;

function rowFields(r: AnnotationRow): (string | number)[] {
  return [
    r.formula, r.adduct, r.chemMod, r.neutralLoss, r.ion, r.ionFormula, r.mz, r.msm, r.fdr, r.fdrRaw,
    r.spatial, r.spectral, r.chaos, mzErrorPpm(r), r.mzErrAbs, r.mzErrRel, r.totalInt[0] ?? 0, r.maxInt[0] ?? 0, r.database,
    r.moleculeNames.join('; '), r.moleculeIds.join('; '),
  ];
}

export interface CsvHeaderInfo {
  /** Export time (ISO string). */
  exportedAt: string;
  /** Page URL (a share link to the same view), optional. */
  url?: string;
  /** Human description of the active filters, optional. */
  filters?: string;
}

/** The CSV text of `rows` (already filtered/sorted as shown) of job `result`. */
export function annotationsCsv(result: JobResult, rows: readonly AnnotationRow[], info: CsvHeaderInfo): string {
  const p = result.params;
  const lines = [
    `# imzlens annotations (METASPACE analysis_version ${p.analysisVersion})`,
    `# exported: ${info.exportedAt}`,
    `# dataset: ${result.datasetName} (${result.datasetId})`,
    `# job created: ${result.createdAt}`,
    `# databases: ${p.databases.join('; ')}`,
    `# polarity: ${p.polarity}; adducts: ${p.adducts.join(' ')}; neutral losses: ${p.neutralLosses.join(' ') || 'none'}; chem mods: ${p.chemMods.join(' ') || 'none'}`,
    `# isocalc_sigma: ${p.sigma}; ppm: ${p.ppm}; decoys: ${p.decoys}`,
  ];
  if (info.filters) lines.push(`# filters: ${info.filters}`);
  if (info.url) lines.push(`# url: ${info.url}`);
  lines.push(`# rows: ${rows.length} of ${result.rows.length}`);
  lines.push(CSV_COLUMNS.join(','));
  for (const r of rows) lines.push(rowFields(r).map(csvField).join(','));
  return lines.join('\n') + '\n';
}
