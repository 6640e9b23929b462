// The one results-CSV writer, for the page's "Export CSV" and the CLI's results.csv.
// Column order (docs/results-csv.md): METASPACE's annotation-table export columns first, with METASPACE's names
// and order, so a sheet or script made for a METASPACE export reads ours; then imzlens' own columns (snake_case,
// lists joined with '|', all 4 isotope slots). Values METASPACE has but imzlens does not have (lab group,
// isotope-image minimum) are left empty, as METASPACE leaves null cells empty. datasetId is empty too: imzlens'
// dataset ids depend on where the dataset is stored (local store or cloud ingest), and results.csv must be the
// same whichever way the job ran (the page export's comment lines still name the id).
import Papa from 'papaparse';
import type { AnnotationRow, JobResult } from '../job/result.ts';
import { mzErrorPpm } from '../view/table.ts';
import { isomerIsobarCounts } from './isomers.ts';
import { effectiveModel, modelChoices } from '../score/models/versions.ts';

/**
 * METASPACE's annotation export columns (webapp AnnotationTable.vue, 2026: chem_mods and neutral_losses enabled;
 * massError since metaspace#1674, the isomer/isobar counts since #1660). Its optional columns are left out:
 * colocalizationCoeff (only with a "colocalized with" filter), offSample/rawOffSampleProb (off-sample classifier),
 * isobarIons (isobars feature flag).
 */
export const METASPACE_COLUMNS = [
  'group', 'datasetName', 'datasetId', 'formula', 'adduct', 'chemMod', 'neutralLoss', 'ion', 'mz', 'massError', 'msm', 'fdr',
  'rhoSpatial', 'rhoSpectral', 'rhoChaos', 'moleculeNames', 'moleculeIds', 'minIntensity', 'maxIntensity', 'totalIntensity',
  'isomeric_mols_count', 'isomeric_ions_count', 'isobaric_ions_count',
] as const;

/** imzlens' own columns after METASPACE's. */
export const IMZLENS_COLUMNS = [
  'ion_formula', 'database', 'fdr_continuous', 'mz_err_abs', 'mz_err_rel', 'mz_err_ppm',
  'molecule_ids', 'molecule_names', 'total_iso_ints', 'max_iso_ints',
] as const;

export const RESULTS_CSV_COLUMNS: readonly string[] = [...METASPACE_COLUMNS, ...IMZLENS_COLUMNS];

/**
 * Extra columns of a job whose version lets the user choose a model (v3, METASPACE-ML), after all others: there
 * `msm` is the model's score, as METASPACE's export has it, and `msm_product` the product
 * chaos · spatial · spectral (v1's MSM, the engine's metrics `msm`); `scoring_model` names the model.
 */
export const MODEL_CSV_COLUMNS = ['msm_product', 'scoring_model'] as const;

/** The columns of a job's CSV (v1: RESULTS_CSV_COLUMNS, unchanged). */
export function resultsCsvColumns(result: JobResult): readonly string[] {
  return scoringModelName(result) ? [...RESULTS_CSV_COLUMNS, ...MODEL_CSV_COLUMNS] : RESULTS_CSV_COLUMNS;
}

/** METASPACE's name and version of the job's chosen model, e.g. "METASPACE-ML_Animal v2.2023-12-14"; null for v1. */
export function scoringModelName(result: JobResult): string | null {
  const p = result.params;
  const id = effectiveModel(p.analysisVersion, p.scoringModel);
  const c = modelChoices(p.analysisVersion).find((m) => m.id === id);
  return c ? `${c.name} ${c.version}` : null;
}

/** Comment lines on top of a page export: when and from what the table was made (METASPACE's export has them too). */
export interface CsvHeaderInfo {
  /** Export time (ISO string). */
  exportedAt: string;
  /** Page URL (a share link to the same view), optional. */
  url?: string;
  /** Human description of the active filters, optional. */
  filters?: string;
}

type Cell = string | number;

/** A number, or an empty cell where it is missing (NaN/±Infinity), as METASPACE writes nulls. */
const num = (x: number | undefined): Cell => (x !== undefined && Number.isFinite(x) ? x : '');

/** METASPACE's list cells: items joined with ', ', and ', ' inside an item shortened to ',' so it splits back. */
const metaspaceList = (items: readonly string[]): string => items.map((s) => s.replace(/, +/g, ',')).join(', ');

function rowCells(result: JobResult, r: AnnotationRow, isomers: number, isobars: number, model: string | null): Cell[] {
  const cells: Cell[] = [
    // METASPACE (massError: its graphql resolver's mz_err_abs / mz × 1e6, i.e. our mz_err_ppm)
    '', result.datasetName, '', r.formula, r.adduct, r.chemMod, r.neutralLoss, r.ion, num(r.mz), num(mzErrorPpm(r)), num(r.msm), num(r.fdr),
    num(r.spatial), num(r.spectral), num(r.chaos), metaspaceList(r.moleculeNames), metaspaceList(r.moleculeIds),
    '', num(r.maxInt[0]), num(r.totalInt[0]), r.moleculeIds.length, isomers, isobars,
    // imzlens
    r.ionFormula, r.database, num(r.fdrRaw), num(r.mzErrAbs), num(r.mzErrRel), num(mzErrorPpm(r)),
    r.moleculeIds.join('|'), r.moleculeNames.join('|'), r.totalInt.join('|'), r.maxInt.join('|'),
  ];
  // the engine's product, in its order: (chaos · spatial) · spectral
  if (model !== null) cells.push(num(r.chaos * r.spatial * r.spectral), model);
  return cells;
}

function commentLines(result: JobResult, rows: readonly AnnotationRow[], info: CsvHeaderInfo): string[] {
  const p = result.params;
  const lines = [
    `# imzlens annotations (METASPACE analysis_version ${p.analysisVersion})`,
    `# exported: ${info.exportedAt}`,
    `# dataset: ${result.datasetName} (${result.datasetId})`,
    `# job created: ${result.createdAt}`,
    `# databases: ${p.databases.join('; ')}`,
    `# polarity: ${p.polarity}; adducts: ${p.adducts.join(' ')}; neutral losses: ${p.neutralLosses.join(' ') || 'none'}; chem mods: ${p.chemMods.join(' ') || 'none'}`,
    `# isocalc_sigma: ${p.sigma}; ppm: ${p.ppm}; decoys: ${p.decoys}${p.analysisVersion >= 2 ? `; instrument: ${p.instrument ?? 'TOF'}` : ''}`,
  ];
  const model = scoringModelName(result);
  if (model) lines.push(`# scoring: METASPACE-ML model ${model} (msm = model score; msm_product = chaos × spatial × spectral)`);
  if (info.filters) lines.push(`# filters: ${info.filters}`);
  if (info.url) lines.push(`# url: ${info.url}`);
  lines.push(`# rows: ${rows.length} of ${result.rows.length}`);
  return lines;
}

/**
 * The CSV text of `rows` (default: all rows of `result`, in the order given). With `header`, '#' comment lines
 * record the export time, dataset and parameters first (the page's export); without, the file starts with the
 * column names (the CLI's results.csv, byte-identical between runs of the same job).
 */
export function resultsCsv(result: JobResult, rows: readonly AnnotationRow[] = result.rows, header?: CsvHeaderInfo): string {
  // counted over the whole job (as METASPACE counts over every stored annotation), whatever rows are written
  const counts = isomerIsobarCounts(result.rows, result.params.ppm);
  const at = new Map(result.rows.map((r, i) => [r, i]));
  const model = scoringModelName(result);
  const cells = (r: AnnotationRow) => {
    const i = at.get(r);
    return rowCells(result, r, i === undefined ? 0 : counts.isomers[i], i === undefined ? 0 : counts.isobars[i], model);
  };
  const table = Papa.unparse({ fields: [...resultsCsvColumns(result)], data: rows.map(cells) }, { newline: '\n' });
  const comments = header ? commentLines(result, rows, header).join('\n') + '\n' : '';
  return `${comments}${table}\n`;
}
