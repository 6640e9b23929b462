#!/usr/bin/env node
// Precomputes the centroid tables shipped with the page (public/centroids/, see src/core/chem/shipped-centroids.ts):
// for each SHIPPED_CENTROID_SPECS entry, the ion list exactly as the job's ions stage makes it from the bundled DB
// file, its centroids by computeCentroidTable, stored as gzip(encodeCentroidTable) under its cache key, and
// public/centroids/index.json listing them. Re-run after changing the centroid algorithm (CENTROID_ALGORITHM_VERSION),
// the bundled DBs or the form's defaults; tests/unit/shipped-centroids.test.ts fails until then.
// Usage: node scripts/build-centroid-tables.mjs
import { register } from 'tsx/esm/api';
import { readFileSync, writeFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'fflate';

register();
const { parseMolDb } = await import('../src/core/chem/moldb.ts');
const { ionsStage } = await import('../src/core/job/stages/ions.ts');
const { computeCentroidTable, roundSigma, CENTROID_ALGORITHM_VERSION } = await import('../src/core/chem/centroids.ts');
const { centroidCacheKey, encodeCentroidTable } = await import('../src/core/chem/centroid-cache.ts');
const { SHIPPED_CENTROID_SPECS } = await import('../src/core/chem/shipped-centroids.ts');

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = resolve(ROOT, 'public/centroids');
const dbIndex = JSON.parse(readFileSync(resolve(ROOT, 'public/db/index.json'), 'utf8'));

mkdirSync(OUT, { recursive: true });
for (const f of readdirSync(OUT)) if (f.endsWith('.izct.gz')) rmSync(resolve(OUT, f));
const index = [];
for (const s of SHIPPED_CENTROID_SPECS) {
  const entry = dbIndex.find((d) => d.id === s.db);
  if (!entry) throw new Error(`build-centroid-tables: no bundled database '${s.db}' in public/db/index.json`);
  const db = parseMolDb(readFileSync(resolve(ROOT, 'public/db', entry.file)), entry.name);
  const params = { databases: [entry.name], adducts: [...s.adducts], neutralLosses: [], chemMods: [], polarity: s.polarity, sigma: s.sigma, ppm: 3, decoys: s.decoys, analysisVersion: 1 };
  const { ions } = ionsStage([db], params);
  const charge = s.polarity === '+' ? 1 : -1;
  const sigma = roundSigma(s.sigma);
  const key = centroidCacheKey(ions, charge, sigma, CENTROID_ALGORITHM_VERSION);
  const t0 = performance.now();
  const { table, errors } = computeCentroidTable(ions, charge, sigma);
  const gz = gzipSync(encodeCentroidTable({ ionFormulas: ions, table, errors }), { level: 9, mtime: 0 });
  const file = `${key}.izct.gz`;
  writeFileSync(resolve(OUT, file), gz);
  index.push({ key, file, bytes: gz.length, db: s.db, polarity: s.polarity, adducts: [...s.adducts], sigma, decoys: s.decoys, ions: ions.length });
  console.log(`${file}: ${s.db} ${s.polarity} ${s.adducts.join(',')} σ ${sigma}: ${ions.length} ions, ${gz.length} bytes (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}
writeFileSync(resolve(OUT, 'index.json'), JSON.stringify(index, null, 1) + '\n');
