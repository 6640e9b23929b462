// A CatBoost evaluator for models of oblivious (symmetric) trees over float features, in plain TypeScript so
// it runs unchanged in the page, Node and Lambda. It reproduces CatBoost's RawFormulaVal bit for bit on the
// METASPACE-ML models (docs/metaspace-ml.md): features are rounded to float32 as CatBoost does, a split is
// `feature > border` (float32 compare), tree t contributes leafValues[offset_t + Σ_d bit_d << d], the trees are
// summed in order in float64, and the sum is mapped by `scale · sum + bias`.
//
// Input: the compact JSON that scripts/cbm-to-json.mjs writes from a .cbm file (format documented in
// docs/metaspace-ml.md, "Model data").

export const CATBOOST_JSON_FORMAT = 'imzlens-catboost-oblivious/1';

/** How a NaN feature value is split (CatBoost's ENanValueTreatment). */
export type NanTreatment = 'AsIs' | 'AsFalse' | 'AsTrue';

/** The committed JSON form of one model. */
export interface CatBoostJson {
  format: typeof CATBOOST_JSON_FORMAT;
  name: string;
  source: string;
  sha256: string;
  scale: number;
  bias: number;
  features: { name: string; flatIndex: number; nan: NanTreatment; borders: number[] }[];
  /** Per tree, per level: [feature position in `features`, border index]. Level d sets bit d of the leaf index. */
  trees: [number, number][][];
  /** All trees' leaves, tree after tree; tree t has 2^depth_t leaves. */
  leafValues: number[];
  [extra: string]: unknown;
}

export class CatBoostModelError extends Error {
  override name = 'CatBoostModelError';
}

/** A model ready to evaluate (flat typed arrays). */
export interface ObliviousModel {
  readonly name: string;
  readonly featureNames: readonly string[];
  readonly scale: number;
  readonly bias: number;
  /** Per feature: its borders, ascending (float32 values). */
  readonly borders: readonly Float32Array[];
  /** Per feature: a NaN value counts as above every border. */
  readonly nanAbove: Uint8Array;
  readonly treeDepth: Uint8Array;
  /** Per tree: index of its first split in splitFeature/splitBorder. */
  readonly treeSplitStart: Int32Array;
  readonly splitFeature: Int32Array;
  readonly splitBorder: Int32Array;
  /** Per tree: index of its first leaf in leafValues. */
  readonly treeLeafStart: Int32Array;
  readonly leafValues: Float64Array;
}

function fail(msg: string): never {
  throw new CatBoostModelError(`CatBoost model: ${msg}`);
}

/** Checks the JSON form and turns it into flat arrays. */
export function compileModel(json: unknown): ObliviousModel {
  const m = json as Partial<CatBoostJson> | null;
  if (!m || typeof m !== 'object') fail('not an object');
  if (m.format !== CATBOOST_JSON_FORMAT) fail(`format ${JSON.stringify(m.format)}, expected ${CATBOOST_JSON_FORMAT}`);
  if (!Array.isArray(m.features) || !Array.isArray(m.trees) || !Array.isArray(m.leafValues)) fail('features, trees and leafValues must be arrays');
  if (!Number.isFinite(m.scale) || !Number.isFinite(m.bias)) fail('scale and bias must be finite numbers');
  const borders = m.features.map((f, i) => {
    const b = Float32Array.from(f.borders);
    for (let j = 0; j < b.length; j++) {
      if (b[j] !== f.borders[j]) fail(`feature ${i} border ${j} is not a float32 value`);
      if (j > 0 && !(b[j] > b[j - 1])) fail(`feature ${i} borders are not strictly ascending at ${j}`);
    }
    return b;
  });
  const nanAbove = Uint8Array.from(m.features, (f) => (f.nan === 'AsTrue' ? 1 : 0));
  const nTrees = m.trees.length;
  const treeDepth = new Uint8Array(nTrees);
  const treeSplitStart = new Int32Array(nTrees);
  const treeLeafStart = new Int32Array(nTrees);
  let nSplits = 0;
  let nLeaves = 0;
  for (let t = 0; t < nTrees; t++) {
    const d = m.trees[t].length;
    if (d > 16) fail(`tree ${t} has depth ${d} (> 16)`);
    treeDepth[t] = d;
    treeSplitStart[t] = nSplits;
    treeLeafStart[t] = nLeaves;
    nSplits += d;
    nLeaves += 1 << d;
  }
  if (nLeaves !== m.leafValues.length) fail(`${m.leafValues.length} leaf values, the trees need ${nLeaves}`);
  const splitFeature = new Int32Array(nSplits);
  const splitBorder = new Int32Array(nSplits);
  let s = 0;
  m.trees.forEach((tree, t) =>
    tree.forEach(([f, b], d) => {
      if (!(f >= 0 && f < borders.length && b >= 0 && b < borders[f].length)) fail(`tree ${t} level ${d}: split [${f}, ${b}] out of range`);
      splitFeature[s] = f;
      splitBorder[s++] = b;
    }),
  );
  return {
    name: String(m.name ?? ''),
    featureNames: m.features.map((f) => f.name),
    scale: m.scale as number,
    bias: m.bias as number,
    borders,
    nanAbove,
    treeDepth,
    treeSplitStart,
    splitFeature,
    splitBorder,
    treeLeafStart,
    leafValues: Float64Array.from(m.leafValues),
  };
}

/**
 * Number of borders strictly below `x` after rounding x to float32 (CatBoost compares float32 values),
 * so "x > border j" ⟺ bin > j. NaN: all borders (AsTrue) or none.
 */
export function binOf(borders: Float32Array, x: number, nanAbove: boolean): number {
  if (Number.isNaN(x)) return nanAbove ? borders.length : 0;
  const v = Math.fround(x);
  let lo = 0;
  let hi = borders.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (v > borders[mid]) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * RawFormulaVal per row. `columns[k]` holds feature k (in `model.featureNames` order) for every row.
 */
export function predict(model: ObliviousModel, columns: readonly ArrayLike<number>[]): Float64Array {
  const nF = model.featureNames.length;
  if (columns.length !== nF) fail(`${columns.length} feature columns given, the model reads ${nF} (${model.featureNames.join(', ')})`);
  const n = nF === 0 ? 0 : columns[0].length;
  for (let k = 0; k < nF; k++) if (columns[k].length !== n) fail(`feature column ${k} has ${columns[k].length} rows, column 0 has ${n}`);
  const out = new Float64Array(n);
  const { treeDepth, splitFeature, splitBorder, leafValues } = model;
  const nTrees = treeDepth.length;
  // Rows go in blocks, tree by tree inside a block, so one tree's splits and leaves stay in cache while the
  // block's rows pass through it; each row still adds its trees in model order (the same float64 sum).
  const BLOCK = 256;
  const bins = new Int32Array(nF * BLOCK); // [feature * BLOCK + row in block]
  const sum = new Float64Array(BLOCK);
  for (let r0 = 0; r0 < n; r0 += BLOCK) {
    const nb = Math.min(BLOCK, n - r0);
    for (let k = 0; k < nF; k++) {
      const col = columns[k];
      const b = model.borders[k];
      const nanAbove = model.nanAbove[k] === 1;
      for (let j = 0; j < nb; j++) bins[k * BLOCK + j] = binOf(b, col[r0 + j], nanAbove);
    }
    sum.fill(0);
    let s = 0;
    let leaf = 0;
    for (let t = 0; t < nTrees; t++) {
      const d = treeDepth[t];
      for (let j = 0; j < nb; j++) {
        let idx = 0;
        for (let l = 0; l < d; l++) if (bins[splitFeature[s + l] * BLOCK + j] > splitBorder[s + l]) idx |= 1 << l;
        sum[j] += leafValues[leaf + idx];
      }
      s += d;
      leaf += 1 << d;
    }
    for (let j = 0; j < nb; j++) out[r0 + j] = model.scale * sum[j] + model.bias;
  }
  return out;
}
