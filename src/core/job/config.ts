// Reads the Lithops-METASPACE job configs (ds_config*.json, db_config*.json) and METASPACE's own ds config
// (isotope_generation / image_generation / fdr) into one shape, with messages that name the file and field.
import { ELEMENTS } from '../chem/elements.ts';
import { isNoopModifier, isValidModifier } from '../chem/ions.ts';

import { INSTRUMENTS, instrumentFromName, type Instrument } from '../chem/centroids-v3.ts';

export interface DsConfig {
  name: string;
  imzmlPath: string;
  ibdPath: string | null;
  polarity: '+' | '-' | null;
  sigma: number | null;
  decoys: number | null;
  ppm: number | null;
  adducts: string[] | null;
  neutralLosses: string[] | null;
  chemMods: string[] | null;
  /** METASPACE's top-level `analysis_version` (null = not given; METASPACE then uses 1). */
  analysisVersion: number | null;
  /**
   * The scoring model by name: `fdr.scoring_model` (or top-level `scoring_model`), METASPACE's model name as its
   * API takes it (e.g. "METASPACE-ML_Animal") or imzlens' id ("animal"). null = not given.
   */
  scoringModel: string | null;
  /** METASPACE's `fdr.scoring_model_id`: a row id of METASPACE's own database, which imzlens cannot resolve. */
  scoringModelId: number | null;
  /** `isotope_generation.instrument` (or top-level `instrument`), canonical spelling; null = not given (the engine
   *  then uses TOF). Shapes the isotope patterns of analysis_version ≥ 2 only. */
  instrument: Instrument | null;
}

export interface DbConfig {
  name: string;
  databases: string[];
  adducts: string[];
  neutralLosses: string[];
  chemMods: string[];
}

export class ConfigError extends Error {
  constructor(file: string, problems: string[]) {
    super(`${file}: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function parseJsonConfig(text: string, file: string): Obj {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(file, [`not valid JSON (${(e as Error).message})`]);
  }
  if (!isObj(v)) throw new ConfigError(file, ['expected a JSON object at the top level']);
  return v;
}

function strList(o: Obj, key: string, problems: string[], required: boolean): string[] | null {
  const v = o[key];
  if (v === undefined) {
    if (required) problems.push(`missing field "${key}" (a list of strings)`);
    return null;
  }
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
    problems.push(`"${key}" must be a list of strings, got ${JSON.stringify(v)}`);
    return null;
  }
  return v as string[];
}

/**
 * What is wrong with one adduct / neutral loss / chem mod (`±group…` over known elements), or null. Checked where a
 * job's parameters enter (configs, CLI flags, the job form): otherwise the run fails late or drops the ions silently.
 */
export function modifierProblem(m: string): string | null {
  if (isNoopModifier(m)) return null;
  if (!isValidModifier(m)) return `"${m}", not a valid modifier; write ±formula groups such as +H, +Na, -H2O or -H2O+Na`;
  const unknown = (m.match(/[A-Z][a-z]*/g) ?? []).filter((el) => !ELEMENTS.has(el));
  return unknown.length ? `"${m}": ${[...new Set(unknown)].join(', ')} is not a chemical element` : null;
}

function modifierList(o: Obj, key: string, where: string, problems: string[], required: boolean): string[] | null {
  const list = strList(o, key, problems, required);
  if (!list) return list;
  for (const m of list) {
    const bad = modifierProblem(m);
    if (bad) problems.push(`"${where}" has ${bad}`);
  }
  return list;
}

/** METASPACE's adducts of one polarity only (its UI offers them per polarity). */
const POSITIVE_ONLY = new Set(['+H', '+Na', '+K', '+NH4', '[M]+']);
const NEGATIVE_ONLY = new Set(['-H', '+Cl', '[M]-']);

/**
 * The problem when adducts belong to the other polarity (e.g. polarity "-" with +H, +Na), or null. Adducts outside
 * METASPACE's lists are not judged.
 */
export function polarityMismatch(polarity: '+' | '-', adducts: readonly string[]): string | null {
  const wrong = adducts.filter((a) => (polarity === '-' ? POSITIVE_ONLY : NEGATIVE_ONLY).has(a));
  if (!wrong.length) return null;
  const mode = polarity === '-' ? 'negative' : 'positive';
  const usual = polarity === '-' ? '-H, +Cl' : '+H, +Na, +K';
  return `polarity "${polarity}" (${mode} mode) but adduct(s) ${wrong.join(', ')} belong to the other polarity; use e.g. ${usual}, or change the polarity`;
}

function num(o: Obj, key: string, problems: string[], check: (x: number) => string | null): number | null {
  const v = o[key];
  if (v === undefined) return null;
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    problems.push(`"${key}" must be a number, got ${JSON.stringify(v)}`);
    return null;
  }
  const bad = check(v);
  if (bad) {
    problems.push(`"${key}" ${bad} (got ${v})`);
    return null;
  }
  return v;
}

function instrumentOf(v: unknown, key: string, problems: string[]): Instrument | null {
  if (v === undefined) return null;
  const ins = typeof v === 'string' ? instrumentFromName(v) : null;
  if (ins === null) problems.push(`"${key}" must be ${INSTRUMENTS.map((i) => `"${i}"`).join(', ')} (the mass analyzer), got ${JSON.stringify(v)}`);
  return ins;
}

function polarityOf(v: unknown, key: string, problems: string[]): '+' | '-' | null {
  if (v === undefined) return null;
  if (v === '+' || v === 'positive' || v === 'Positive' || v === 1) return '+';
  if (v === '-' || v === 'negative' || v === 'Negative' || v === -1) return '-';
  problems.push(`"${key}" must be "+" or "-", got ${JSON.stringify(v)}`);
  return null;
}

const positive = (x: number) => (x > 0 ? null : 'must be greater than 0');
const decoyRange = (x: number) => (Number.isInteger(x) && x >= 1 && x <= 80 ? null : 'must be a whole number from 1 to 80');

/** A Lithops-METASPACE ds_config, or a METASPACE ds config with the data paths added. */
export function parseDsConfig(o: Obj, file: string): DsConfig {
  const problems: string[] = [];
  const iso = isObj(o.isotope_generation) ? o.isotope_generation : {};
  const img = isObj(o.image_generation) ? o.image_generation : {};
  const fdr = isObj(o.fdr) ? o.fdr : {};
  const imzml = o.imzml_path ?? o.imzml;
  if (typeof imzml !== 'string' || !imzml) problems.push('missing field "imzml_path" (path or URL of the .imzML file)');
  const ibd = o.ibd_path ?? null;
  if (ibd !== null && typeof ibd !== 'string') problems.push('"ibd_path" must be a string');
  let polarity = polarityOf(o.polarity, 'polarity', problems);
  if (polarity === null && iso.charge !== undefined) polarity = polarityOf(iso.charge, 'isotope_generation.charge', problems);
  const sigma = num(o, 'isocalc_sigma', problems, positive) ?? num(iso, 'isocalc_sigma', problems, positive);
  const decoys = num(o, 'num_decoys', problems, decoyRange) ?? num(fdr, 'decoy_sample_size', problems, decoyRange);
  const ppm = num(o, 'ppm', problems, positive) ?? num(img, 'ppm', problems, positive);
  const adducts = modifierList(iso, 'adducts', 'isotope_generation.adducts', problems, false);
  const neutralLosses = modifierList(iso, 'neutral_losses', 'isotope_generation.neutral_losses', problems, false);
  const chemMods = modifierList(iso, 'chem_mods', 'isotope_generation.chem_mods', problems, false);
  if (polarity && adducts) {
    const bad = polarityMismatch(polarity, adducts);
    if (bad) problems.push(bad);
  }
  const analysisVersion = num(o, 'analysis_version', problems, (x) => (Number.isInteger(x) && x >= 1 ? null : 'must be a whole number ≥ 1'));
  const sm = fdr.scoring_model ?? o.scoring_model;
  if (sm !== undefined && sm !== null && typeof sm !== 'string') problems.push(`"scoring_model" must be a model name, got ${JSON.stringify(sm)}`);
  const scoringModelId = fdr.scoring_model_id === null ? null : num(fdr, 'scoring_model_id', problems, () => null);
  const instrument = o.instrument !== undefined ? instrumentOf(o.instrument, 'instrument', problems) : instrumentOf(iso.instrument, 'isotope_generation.instrument', problems);
  if (problems.length) throw new ConfigError(file, problems);
  return {
    scoringModel: typeof sm === 'string' && sm ? sm : null,
    scoringModelId,
    name: typeof o.name === 'string' && o.name ? o.name : (imzml as string).replace(/^.*[\\/]/, '').replace(/\.imzml$/i, ''),
    imzmlPath: imzml as string,
    ibdPath: ibd as string | null,
    polarity,
    sigma,
    decoys,
    ppm,
    adducts,
    neutralLosses,
    chemMods,
    analysisVersion,
    instrument,
  };
}

/** A Lithops-METASPACE db_config: databases + adducts + "modifiers" (neutral losses). */
export function parseDbConfig(o: Obj, file: string): DbConfig {
  const problems: string[] = [];
  const databases = strList(o, 'databases', problems, true);
  if (databases && databases.length === 0) problems.push('"databases" is empty: list at least one molecular database file');
  const adducts = modifierList(o, 'adducts', 'adducts', problems, true);
  if (adducts && adducts.length === 0) problems.push('"adducts" is empty');
  const modifiers = modifierList(o, 'modifiers', 'modifiers', problems, false) ?? modifierList(o, 'neutral_losses', 'neutral_losses', problems, false) ?? [];
  const chemMods = modifierList(o, 'chem_mods', 'chem_mods', problems, false) ?? [];
  if (problems.length) throw new ConfigError(file, problems);
  return {
    name: typeof o.name === 'string' ? o.name : 'databases',
    databases: databases!,
    adducts: adducts!,
    neutralLosses: modifiers.filter((m) => m !== ''),
    chemMods: chemMods.filter((m) => m !== ''),
  };
}
