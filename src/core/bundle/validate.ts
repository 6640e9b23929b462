// Rebuilds the JSON entries of a bundle into typed objects field by field: only known fields are copied,
// every value is type-checked, strings and lists are length-capped, and numbers that must be finite are.
// A failure names the entry and the field path (e.g. "annotations.json rows[12].mz").
import type { Roi, RoiShape } from '../analysis/roi-types.ts';
import type { AnalysisVersion, AnnotationRow, JobParams, JobResult, StageStat } from '../job/result.ts';
import { ANALYSIS_VERSIONS, isAnalysisVersion, modelProblem } from '../score/models/versions.ts';
import type { DatasetMeta } from '../types.ts';
import { BundleError } from './errors.ts';
import { BUNDLE_FORMAT, BUNDLE_VERSION, jsonNumber, MAX_BUNDLE_ROIS, type BundleLimits, type BundleManifest } from './format.ts';
import { INSTRUMENTS } from '../chem/centroids-v3.ts';

type Obj = Record<string, unknown>;

export class Checker {
  constructor(
    readonly entry: string,
    readonly limits: BundleLimits,
  ) {}

  fail(path: string, what: string): never {
    throw new BundleError(`${this.entry} ${path}: ${what}; the bundle is damaged or was not written by imzlens`);
  }
  obj(v: unknown, path: string): Obj {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(path, 'expected an object');
    return v as Obj;
  }
  arr(v: unknown, path: string, max = this.limits.maxListLength): unknown[] {
    if (!Array.isArray(v)) this.fail(path, 'expected a list');
    if (v.length > max) this.fail(path, `${v.length} items, more than the limit of ${max}`);
    return v;
  }
  str(v: unknown, path: string): string {
    if (typeof v !== 'string') this.fail(path, 'expected a string');
    if (v.length > this.limits.maxStringLength) this.fail(path, `string of ${v.length} characters, more than the limit of ${this.limits.maxStringLength}`);
    return v;
  }
  strOrNull(v: unknown, path: string): string | null {
    return v === null ? null : this.str(v, path);
  }
  /** Any double, NaN/±Infinity/-0 included (written as strings, see format.ts). */
  num(v: unknown, path: string): number {
    const x = jsonNumber(v);
    if (x === undefined) this.fail(path, 'expected a number');
    return x;
  }
  finite(v: unknown, path: string): number {
    const x = this.num(v, path);
    if (!Number.isFinite(x)) this.fail(path, `${x} is not a finite number`);
    return x;
  }
  int(v: unknown, path: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
    const x = this.num(v, path);
    if (!Number.isInteger(x) || x < min || x > max) this.fail(path, `${x} is not an integer in ${min}…${max}`);
    return x;
  }
  numOrNull(v: unknown, path: string): number | null {
    return v === null ? null : this.finite(v, path);
  }
  strs(v: unknown, path: string): string[] {
    return this.arr(v, path).map((s, i) => this.str(s, `${path}[${i}]`));
  }
  nums(v: unknown, path: string, finite: boolean): number[] {
    return this.arr(v, path).map((x, i) => (finite ? this.finite(x, `${path}[${i}]`) : this.num(x, `${path}[${i}]`)));
  }
  oneOf<T extends string | null>(v: unknown, path: string, allowed: readonly T[]): T {
    if (!allowed.includes(v as T)) this.fail(path, `${JSON.stringify(v)} is not one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
    return v as T;
  }
}

/** Checks the manifest's tag and version first, so a foreign or future file gets the right message. */
export function checkManifest(raw: unknown, limits: BundleLimits): BundleManifest {
  const c = new Checker('manifest.json', limits);
  if (typeof raw !== 'object' || raw === null || (raw as Obj).format !== BUNDLE_FORMAT) {
    throw new BundleError(`not an imzlens bundle: manifest.json does not say format "${BUNDLE_FORMAT}"`);
  }
  const m = raw as Obj;
  const v = m.version;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) return c.fail('version', `${JSON.stringify(v)} is not a bundle version`);
  const version = v;
  if (version > BUNDLE_VERSION) {
    throw new BundleError(`bundle version ${version} is newer than this app supports (${BUNDLE_VERSION}); open it with a newer imzlens`);
  }
  const app = c.obj(m.app, 'app');
  const counts = c.obj(m.counts, 'counts');
  const sizes = c.obj(m.sizes, 'sizes');
  const entriesRaw = c.obj(sizes.entries, 'sizes.entries');
  const names = Object.keys(entriesRaw);
  if (names.length > limits.maxEntries) c.fail('sizes.entries', `${names.length} entries, more than the limit of ${limits.maxEntries}`);
  const entries: Record<string, number> = {};
  for (const k of names) entries[c.str(k, 'sizes.entries key')] = c.int(entriesRaw[k], `sizes.entries["${k}"]`);
  return {
    format: BUNDLE_FORMAT,
    version,
    createdAt: c.str(m.createdAt, 'createdAt'),
    app: { name: c.str(app.name, 'app.name'), version: c.str(app.version, 'app.version') },
    counts: {
      rows: c.int(counts.rows, 'counts.rows', 0, limits.maxRows),
      images: c.int(counts.images, 'counts.images'),
      width: c.int(counts.width, 'counts.width', 1),
      height: c.int(counts.height, 'counts.height', 1),
      pixels: c.int(counts.pixels, 'counts.pixels', 1, limits.maxPixels),
      sampledPixels: c.int(counts.sampledPixels, 'counts.sampledPixels'),
    },
    sizes: { entries, total: c.int(sizes.total, 'sizes.total') },
    imageEncoding: c.str(m.imageEncoding, 'imageEncoding'),
  };
}

function params(c: Checker, v: unknown, path: string): JobParams {
  const p = c.obj(v, path);
  const out: JobParams = {
    databases: c.strs(p.databases, `${path}.databases`),
    adducts: c.strs(p.adducts, `${path}.adducts`),
    neutralLosses: c.strs(p.neutralLosses, `${path}.neutralLosses`),
    chemMods: c.strs(p.chemMods, `${path}.chemMods`),
    polarity: c.oneOf(p.polarity, `${path}.polarity`, ['+', '-'] as const),
    sigma: c.finite(p.sigma, `${path}.sigma`),
    ppm: c.finite(p.ppm, `${path}.ppm`),
    decoys: c.int(p.decoys, `${path}.decoys`, 0, 1000),
    analysisVersion: analysisVersion(c, p.analysisVersion, `${path}.analysisVersion`),
  };
  // bundles written before METASPACE-ML have no scoringModel (v1, or the version's default model)
  if (p.scoringModel !== undefined) {
    const model = c.str(p.scoringModel, `${path}.scoringModel`);
    const problem = modelProblem(out.analysisVersion, model);
    if (problem) c.fail(`${path}.scoringModel`, problem);
    out.scoringModel = model;
  }
  // the isotope patterns' instrument (analysis_version >= 2); absent in older bundles and in v1 jobs
  if (p.instrument !== undefined) out.instrument = c.oneOf(p.instrument, `${path}.instrument`, INSTRUMENTS);
  return out;
}

/** One of the analysis versions in the scoring-model registry; the error lists the ones this build has. */
function analysisVersion(c: Checker, v: unknown, path: string): AnalysisVersion {
  if (!isAnalysisVersion(v)) {
    const known = ANALYSIS_VERSIONS.map((a) => `${a.version} (${a.label})`).join(', ');
    c.fail(path, `analysis version ${JSON.stringify(v)} is not available in this imzlens (available: ${known})`);
  }
  return v;
}

function stage(c: Checker, v: unknown, path: string): StageStat {
  const s = c.obj(v, path);
  const out: StageStat = { stage: c.str(s.stage, `${path}.stage`), wallMs: c.num(s.wallMs, `${path}.wallMs`) };
  if (s.items !== undefined) out.items = c.num(s.items, `${path}.items`);
  if (s.unit !== undefined) out.unit = c.str(s.unit, `${path}.unit`);
  return out;
}

/** job.json → the JobResult (rows left empty) and the DatasetMeta (no segments: the bundle has no spectra). */
export function checkJob(raw: unknown, limits: BundleLimits): { result: JobResult; meta: DatasetMeta } {
  const c = new Checker('job.json', limits);
  const j = c.obj(raw, '(top)');
  const r = c.obj(j.result, 'result');
  const st = c.obj(r.stats, 'result.stats');
  if (r.version !== 1) c.fail('result.version', `${JSON.stringify(r.version)} is not a known job result version (1)`);
  const result: JobResult = {
    version: 1,
    datasetId: c.str(r.datasetId, 'result.datasetId'),
    datasetName: c.str(r.datasetName, 'result.datasetName'),
    params: params(c, r.params, 'result.params'),
    createdAt: c.str(r.createdAt, 'result.createdAt'),
    rows: [],
    stats: {
      stages: c.arr(st.stages, 'result.stats.stages').map((s, i) => stage(c, s, `result.stats.stages[${i}]`)),
      ionFormulas: c.num(st.ionFormulas, 'result.stats.ionFormulas'),
      targets: c.num(st.targets, 'result.stats.targets'),
      decoys: c.num(st.decoys, 'result.stats.decoys'),
      scored: c.num(st.scored, 'result.stats.scored'),
      annotatedAt10: c.num(st.annotatedAt10, 'result.stats.annotatedAt10'),
      executor: c.str(st.executor, 'result.stats.executor'),
      workers: c.num(st.workers, 'result.stats.workers'),
    },
  };
  const d = c.obj(j.dataset, 'dataset');
  const src = c.obj(d.source, 'dataset.source');
  const width = c.int(d.width, 'dataset.width', 1);
  const height = c.int(d.height, 'dataset.height', 1);
  if (width * height > limits.maxPixels) c.fail('dataset', `grid ${width}×${height} has more than the limit of ${limits.maxPixels} pixels`);
  const meta: DatasetMeta = {
    id: c.str(d.id, 'dataset.id'),
    name: c.str(d.name, 'dataset.name'),
    width,
    height,
    minX: c.int(d.minX, 'dataset.minX', -(2 ** 31)),
    minY: c.int(d.minY, 'dataset.minY', -(2 ** 31)),
    nSpectra: c.int(d.nSpectra, 'dataset.nSpectra'),
    nSamplePixels: c.int(d.nSamplePixels, 'dataset.nSamplePixels', 0, width * height),
    totalPeaks: c.int(d.totalPeaks, 'dataset.totalPeaks'),
    mzMin: c.num(d.mzMin, 'dataset.mzMin'),
    mzMax: c.num(d.mzMax, 'dataset.mzMax'),
    polarity: c.oneOf(d.polarity, 'dataset.polarity', ['positive', 'negative', null] as const),
    spectrumType: c.oneOf(d.spectrumType, 'dataset.spectrumType', ['centroid', 'profile', null] as const),
    pixelSizeX: c.numOrNull(d.pixelSizeX, 'dataset.pixelSizeX'),
    pixelSizeY: c.numOrNull(d.pixelSizeY, 'dataset.pixelSizeY'),
    instrument: c.strOrNull(d.instrument, 'dataset.instrument'),
    segments: [],
    warnings: c.strs(d.warnings, 'dataset.warnings'),
    source: {
      imzml: c.str(src.imzml, 'dataset.source.imzml'),
      ibd: c.str(src.ibd, 'dataset.source.ibd'),
      ibdSize: c.num(src.ibdSize, 'dataset.source.ibdSize'),
      uuid: c.strOrNull(src.uuid, 'dataset.source.uuid'),
    },
    createdAt: c.str(d.createdAt, 'dataset.createdAt'),
  };
  return { result, meta };
}

function row(c: Checker, v: unknown, path: string, maxImages: number): AnnotationRow {
  const r = c.obj(v, path);
  const fdr = c.finite(r.fdr, `${path}.fdr`);
  if (fdr < 0 || fdr > 1) c.fail(`${path}.fdr`, `${fdr} is outside 0…1`);
  const slots = (k: string, finite: boolean): number[] => {
    const a = c.nums(r[k], `${path}.${k}`, finite);
    if (a.length > maxImages) c.fail(`${path}.${k}`, `${a.length} isotope slots, more than the limit of ${maxImages}`);
    return a;
  };
  return {
    formula: c.str(r.formula, `${path}.formula`),
    chemMod: c.str(r.chemMod, `${path}.chemMod`),
    neutralLoss: c.str(r.neutralLoss, `${path}.neutralLoss`),
    adduct: c.str(r.adduct, `${path}.adduct`),
    ionFormula: c.str(r.ionFormula, `${path}.ionFormula`),
    ion: c.str(r.ion, `${path}.ion`),
    mz: c.finite(r.mz, `${path}.mz`),
    msm: c.finite(r.msm, `${path}.msm`),
    fdr,
    fdrRaw: c.num(r.fdrRaw, `${path}.fdrRaw`),
    chaos: c.num(r.chaos, `${path}.chaos`),
    spatial: c.num(r.spatial, `${path}.spatial`),
    spectral: c.num(r.spectral, `${path}.spectral`),
    mzErrAbs: c.num(r.mzErrAbs, `${path}.mzErrAbs`),
    mzErrRel: c.num(r.mzErrRel, `${path}.mzErrRel`),
    database: c.str(r.database, `${path}.database`),
    moleculeIds: c.strs(r.moleculeIds, `${path}.moleculeIds`),
    moleculeNames: c.strs(r.moleculeNames, `${path}.moleculeNames`),
    centroidMzs: slots('centroidMzs', true),
    centroidInts: slots('centroidInts', true),
    totalInt: slots('totalInt', false),
    maxInt: slots('maxInt', false),
    nPx: slots('nPx', false),
  };
}

export function checkAnnotations(raw: unknown, limits: BundleLimits): AnnotationRow[] {
  const c = new Checker('annotations.json', limits);
  const a = c.obj(raw, '(top)');
  return c.arr(a.rows, 'rows', limits.maxRows).map((r, i) => row(c, r, `rows[${i}]`, limits.maxImagesPerRow));
}

function roiShape(c: Checker, v: unknown, path: string, nPixels: number): RoiShape {
  const s = c.obj(v, path);
  const kind = c.oneOf(s.kind, `${path}.kind`, ['polygon', 'rect', 'pixels'] as const);
  if (kind === 'polygon') {
    const points = c.nums(s.points, `${path}.points`, true);
    if (points.length % 2 !== 0) c.fail(`${path}.points`, `${points.length} coordinates, not x,y pairs`);
    return { kind, points };
  }
  if (kind === 'rect') {
    return { kind, x: c.finite(s.x, `${path}.x`), y: c.finite(s.y, `${path}.y`), w: c.finite(s.w, `${path}.w`), h: c.finite(s.h, `${path}.h`) };
  }
  const list = c.arr(s.indices, `${path}.indices`, nPixels);
  const indices = new Uint32Array(list.length);
  for (let i = 0; i < list.length; i++) indices[i] = c.int(list[i], `${path}.indices[${i}]`, 0, nPixels - 1);
  return { kind, indices };
}

/** A '#rrggbb' colour: it is drawn as an SVG attribute, so nothing else is let through. */
function roiColor(c: Checker, v: unknown, path: string): string {
  const s = c.str(v, path);
  if (!/^#[0-9a-fA-F]{6}$/.test(s)) c.fail(path, `${JSON.stringify(s.slice(0, 40))} is not a #rrggbb colour`);
  return s;
}

/** rois.json → the regions of interest (pixel indices checked against the grid of `nPixels` pixels). */
export function checkRois(raw: unknown, limits: BundleLimits, nPixels: number): Roi[] {
  const c = new Checker('rois.json', limits);
  const a = c.obj(raw, '(top)');
  return c.arr(a.rois, 'rois', MAX_BUNDLE_ROIS).map((v, i) => {
    const r = c.obj(v, `rois[${i}]`);
    return { id: c.str(r.id, `rois[${i}].id`), name: c.str(r.name, `rois[${i}].name`), color: roiColor(c, r.color, `rois[${i}].color`), shape: roiShape(c, r.shape, `rois[${i}].shape`, nPixels) };
  });
}
