#!/usr/bin/env node
// Turns a CatBoost binary model (.cbm) of oblivious trees over float features into the compact JSON that
// src/core/score/catboost/ evaluates (format documented in docs/metaspace-ml.md, "Model data").
//
// Usage: node scripts/cbm-to-json.mjs <model.cbm> <out.json> [--name <text>] [--source <text>]
//
// No Python CatBoost is installable here, so this reads the file layout directly:
//   bytes 0..3   ASCII "CBM1"
//   bytes 4..7   uint32 LE: length N of the model core
//   bytes 8..8+N a FlatBuffers buffer whose root is NCatBoostFbs.TModelCore (catboost/libs/model/flatbuffers/
//                model.fbs and features.fbs in the CatBoost repository); anything after it (model parts such as
//                CTR tables) is refused, because these models have only float features.
// FlatBuffers wire format used: a table starts with an int32 offset back to its vtable (vtable = table - offset);
// the vtable is uint16 [vtableBytes, tableBytes, fieldOffset0, fieldOffset1, ...] (0 = field absent, default);
// reference fields hold a uint32 offset relative to the field; a vector is uint32 length then elements;
// a string is uint32 length then UTF-8 bytes.
import { readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename } from 'node:path';

// Field slots, in schema declaration order (a slot's vtable entry sits at 4 + 2 * slot).
const CORE = { formatVersion: 0, trees: 1, infoMap: 2, modelPartIds: 3 };
const TREES = {
  approxDimension: 0, treeSplits: 1, treeSizes: 2, treeStartOffsets: 3, catFeatures: 4, floatFeatures: 5,
  oneHotFeatures: 6, ctrFeatures: 7, leafValues: 8, leafWeights: 9, nonSymmetricStepNodes: 10,
  nonSymmetricNodeIdToLeafId: 11, textFeatures: 12, estimatedFeatures: 13,
  // Slots 14..18 are newer than the model.fbs we could read; their meaning is inferred from the layout of the
  // METASPACE files and checked: 14 a double (the scale), 15 a double (a bias, absent here), 16 [double] (the
  // bias per dimension), 17 a vector of 4-byte structs {uint16 feature, uint8 xor mask, uint8 border index}
  // (CatBoost's repacked splits: we check that they agree with TreeSplits), 18 a vector (embedding features).
  scale: 14, bias: 15, multiBias: 16, repackedBins: 17, embeddingFeatures: 18,
};
const FLOAT_FEATURE = { hasNans: 0, index: 1, flatIndex: 2, borders: 3, featureId: 4, nanValueTreatment: 5 };
const KEY_VALUE = { key: 0, value: 1 };
const NAN_TREATMENT = ['AsIs', 'AsFalse', 'AsTrue'];

export function readCbm(bytes) {
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (magic !== 'CBM1') throw new Error(`not a CatBoost .cbm file (magic ${JSON.stringify(magic)})`);
  const dv0 = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const coreLen = dv0.getUint32(4, true);
  if (8 + coreLen !== bytes.byteLength) {
    throw new Error(`model parts after the core (${bytes.byteLength - 8 - coreLen} bytes): CTR/categorical models are not supported`);
  }
  const buf = bytes.subarray(8, 8 + coreLen);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const u32 = (o) => dv.getUint32(o, true);

  /** Position of a field's data inside table `t`, or -1 if absent. */
  function field(t, slot) {
    const vt = t - dv.getInt32(t, true);
    const vtBytes = dv.getUint16(vt, true);
    const at = 4 + 2 * slot;
    if (at >= vtBytes) return -1;
    const off = dv.getUint16(vt + at, true);
    return off === 0 ? -1 : t + off;
  }
  const deref = (p) => p + u32(p);
  const table = (t, slot) => { const p = field(t, slot); return p < 0 ? -1 : deref(p); };
  const int = (t, slot, dflt) => { const p = field(t, slot); return p < 0 ? dflt : dv.getInt32(p, true); };
  const dbl = (t, slot, dflt) => { const p = field(t, slot); return p < 0 ? dflt : dv.getFloat64(p, true); };
  const byte = (t, slot, dflt) => { const p = field(t, slot); return p < 0 ? dflt : dv.getInt8(p); };
  const str = (t, slot) => {
    const p = table(t, slot);
    if (p < 0) return null;
    return new TextDecoder().decode(buf.subarray(p + 4, p + 4 + u32(p)));
  };
  const vecLen = (t, slot) => { const p = table(t, slot); return p < 0 ? 0 : u32(p); };
  function vec(t, slot, size, read) {
    const p = table(t, slot);
    if (p < 0) return [];
    const n = u32(p);
    const out = new Array(n);
    for (let i = 0; i < n; i++) out[i] = read(p + 4 + i * size);
    return out;
  }
  const tables = (t, slot) => vec(t, slot, 4, (q) => deref(q));

  const root = u32(0);
  const formatVersion = str(root, CORE.formatVersion);
  if (vecLen(root, CORE.modelPartIds) > 0) throw new Error('model has extra parts (CTR data): not supported');
  const info = {};
  for (const kv of tables(root, CORE.infoMap)) info[str(kv, KEY_VALUE.key)] = str(kv, KEY_VALUE.value);

  const tr = table(root, CORE.trees);
  const approxDimension = int(tr, TREES.approxDimension, 0);
  for (const [name, slot] of Object.entries(TREES)) {
    if (['catFeatures', 'oneHotFeatures', 'ctrFeatures', 'nonSymmetricStepNodes', 'nonSymmetricNodeIdToLeafId',
      'textFeatures', 'estimatedFeatures', 'embeddingFeatures'].includes(name) && vecLen(tr, slot) > 0) {
      throw new Error(`model uses ${name}: only symmetric (oblivious) trees over float features are supported`);
    }
  }
  if (approxDimension !== 1) throw new Error(`approx dimension ${approxDimension}: only 1 (a single score) is supported`);

  const floatFeatures = tables(tr, TREES.floatFeatures).map((f) => ({
    index: int(f, FLOAT_FEATURE.index, -1),
    flatIndex: int(f, FLOAT_FEATURE.flatIndex, -1),
    name: str(f, FLOAT_FEATURE.featureId),
    hasNans: byte(f, FLOAT_FEATURE.hasNans, 0) !== 0,
    nanValueTreatment: NAN_TREATMENT[byte(f, FLOAT_FEATURE.nanValueTreatment, 0)],
    borders: vec(f, FLOAT_FEATURE.borders, 4, (q) => dv.getFloat32(q, true)),
  }));
  const vt = tr - dv.getInt32(tr, true);
  if (dv.getUint16(vt, true) > 4 + 2 * 19) throw new Error('tree table has fields newer than this reader knows');
  const multiBias = vec(tr, TREES.multiBias, 8, (q) => dv.getFloat64(q, true));
  if (multiBias.length > 1) throw new Error('more than one bias: not a single-score model');
  return {
    formatVersion,
    info,
    scale: dbl(tr, TREES.scale, 1),
    bias: multiBias.length === 1 ? multiBias[0] : dbl(tr, TREES.bias, 0),
    repackedBins: vec(tr, TREES.repackedBins, 4, (q) => [dv.getUint16(q, true), buf[q + 2], buf[q + 3]]),
    treeSplits: vec(tr, TREES.treeSplits, 4, (q) => dv.getInt32(q, true)),
    treeSizes: vec(tr, TREES.treeSizes, 4, (q) => dv.getInt32(q, true)),
    treeStartOffsets: vec(tr, TREES.treeStartOffsets, 4, (q) => dv.getInt32(q, true)),
    floatFeatures,
    leafValues: vec(tr, TREES.leafValues, 8, (q) => dv.getFloat64(q, true)),
  };
}

/** The compact form our evaluator loads (see docs/metaspace-ml.md). */
export function toCompact(m, meta) {
  // Binary features are numbered float feature by float feature (in model order), border by border:
  // a tree split holds that number; we store it as [feature position, border] instead.
  const binFeature = [];
  m.floatFeatures.forEach((f, fi) => f.borders.forEach((b, bi) => binFeature.push([fi, bi])));
  const trees = m.treeSizes.map((depth, t) => {
    const start = m.treeStartOffsets[t];
    return m.treeSplits.slice(start, start + depth).map((s) => {
      if (s < 0 || s >= binFeature.length) throw new Error(`tree ${t}: split ${s} out of range`);
      return binFeature[s];
    });
  });
  // Cross-check against the repacked splits, where present. CatBoost packs each float feature's borders into
  // byte-sized buckets of 254 borders (255 bins; a feature with 644 borders fills three), and a repacked split names
  // [bucket, xor mask, border index within the bucket + 1]. Agreement on every split confirms our reading of
  // TreeSplits.
  const bucketStart = [];
  let buckets = 0;
  for (const f of m.floatFeatures) { bucketStart.push(buckets); buckets += Math.ceil(f.borders.length / 254); }
  m.repackedBins.forEach(([bucket, xorMask, border1], i) => {
    const [f, b] = binFeature[m.treeSplits[i]];
    const want = [bucketStart[f] + Math.floor(b / 254), 0, (b % 254) + 1];
    if (bucket !== want[0] || xorMask !== want[1] || border1 !== want[2]) {
      throw new Error(`split ${i}: TreeSplits gives ${want.join('/')}, the repacked split says ${bucket}/${xorMask}/${border1}`);
    }
  });
  let leafCount = 0;
  for (const d of m.treeSizes) leafCount += 2 ** d;
  if (leafCount !== m.leafValues.length) throw new Error(`leaf values ${m.leafValues.length} ≠ ${leafCount}`);
  const params = m.info.params ? JSON.parse(m.info.params) : {};
  return {
    format: 'imzlens-catboost-oblivious/1',
    ...meta,
    catboostFormat: m.formatVersion,
    lossFunction: params.loss_function?.type ?? null,
    trainFinishTime: m.info.train_finish_time ?? null,
    catboostVersion: /Commit: (\w+)/.exec(m.info.catboost_version_info ?? '')?.[1] ?? null,
    // prediction = scale · Σ leaf values + bias (CatBoost's RawFormulaVal)
    scale: m.scale,
    bias: m.bias,
    features: m.floatFeatures.map((f) => ({
      name: f.name,
      flatIndex: f.flatIndex,
      nan: f.hasNans ? f.nanValueTreatment : 'AsIs',
      borders: f.borders,
    })),
    trees,
    leafValues: m.leafValues,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const opt = (k) => { const i = args.indexOf(k); return i >= 0 ? args.splice(i, 2)[1] : undefined; };
  const name = opt('--name');
  const source = opt('--source');
  const [input, output] = args;
  if (!input || !output) {
    console.error('usage: node scripts/cbm-to-json.mjs <model.cbm> <out.json> [--name <text>] [--source <text>]');
    process.exit(2);
  }
  const bytes = readFileSync(input);
  const m = readCbm(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const compact = toCompact(m, { name: name ?? basename(input), source: source ?? basename(input), sha256 });
  // JSON.stringify writes the shortest decimal that round-trips each float64 (and each float32 border,
  // since a float32 widens exactly to a float64), so the numbers load back bit-identical.
  writeFileSync(output, JSON.stringify(compact) + '\n');
  console.log(`${output}: ${compact.trees.length} trees, ${compact.features.length} features (${compact.features.map((f) => f.name).join(', ')}), loss ${compact.lossFunction}, scale ${compact.scale}, bias ${compact.bias}`);
}
