#!/usr/bin/env node
// Builds tests/fixtures/metaspace-ml/coremetabolome-v3-features.csv.gz: the feature columns and CatBoost's own
// predicted score of the published METASPACE-ML feature table, cut down from
//   github.com/Bisho2122/METASPACE-ML_reproducibility (MIT), Data/Bulk_validation/CoreMetabolome-v3_metrics_df_w_pred_score.csv.gz
// Values are copied as the exact decimal strings of the source (no re-formatting), so the test compares against
// CatBoost's float64 output as it was written.
//
// Usage: node scripts/make-metaspace-ml-fixture.mjs <CoreMetabolome-v3_metrics_df_w_pred_score.csv.gz> [out.csv.gz]
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';

const KEEP = ['formula', 'modifier', 'target', 'chaos', 'spatial', 'spectral', 'mz_err_abs', 'mz_err_rel', 'mz_err_abs_abserr', 'mz_err_rel_abserr', 'ds_id', 'pred_score'];

/** Splits one CSV line with "quoted, fields" (the source quotes fields that hold commas; none holds quotes or newlines). */
function splitLine(line) {
  const out = [];
  let cur = '';
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) { out.push(cur); cur = ''; }
    else cur += ch;
  }
  out.push(cur);
  return out;
}

const [input, output = 'tests/fixtures/metaspace-ml/coremetabolome-v3-features.csv.gz'] = process.argv.slice(2);
if (!input) {
  console.error('usage: node scripts/make-metaspace-ml-fixture.mjs <CoreMetabolome-v3_metrics_df_w_pred_score.csv.gz> [out.csv.gz]');
  process.exit(2);
}
const lines = gunzipSync(readFileSync(input)).toString('utf8').split('\n').filter((l) => l.length > 0);
const head = splitLine(lines[0]);
const cols = KEEP.map((k) => {
  const i = head.indexOf(k);
  if (i < 0) throw new Error(`column ${k} missing from ${input}`);
  return i;
});
const rows = [KEEP.join(',')];
for (let r = 1; r < lines.length; r++) {
  const f = splitLine(lines[r]);
  if (f.length !== head.length) throw new Error(`line ${r + 1}: ${f.length} fields, header has ${head.length}`);
  rows.push(cols.map((i) => f[i]).join(','));
}
mkdirSync(dirname(output), { recursive: true });
writeFileSync(output, gzipSync(rows.join('\n') + '\n', { level: 9 }));
console.log(`${output}: ${rows.length - 1} rows, columns ${KEEP.join(', ')}`);
