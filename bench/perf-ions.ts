// Stage profiler for big modifier jobs (brief S2-F): times the ions stage (buildIonTable per DB + merge), the
// centroid cache key, and the centroid engine on a sample, for a Lithops db_config. Run:
//   npx tsx bench/perf-ions.ts ../shared/data/lithops_metaspace/db_config3.json [centroidSample]
import { readFileSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { parseMolDb } from '../src/core/chem/moldb.ts';
import { buildJobIonTables } from '../src/core/chem/ion-table.ts';
import { referenceIonTable, referenceMerge } from './lib/ion-table-reference.ts';
import { parseDbConfig } from '../src/core/job/config.ts';
import { centroidCacheKey, encodeCentroidTable, decodeCentroidTable } from '../src/core/chem/centroid-cache.ts';
import { computeCentroidTable, type CentroidTableResult } from '../src/core/chem/centroids.ts';

const cfgPath = process.argv[2] ?? '../shared/data/lithops_metaspace/db_config3.json';
const sample = Number(process.argv[3] ?? 20000);
const cfg = parseDbConfig(JSON.parse(readFileSync(cfgPath, 'utf8')), cfgPath);
const dbs = cfg.databases.map((p) => parseMolDb(readFileSync(join(dirname(cfgPath), basename(p))), basename(p)));
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const t = (label: string, f: () => unknown) => {
  const w0 = performance.now(); const c0 = cpu();
  const r = f();
  console.log(`${label}: wall ${((performance.now() - w0) / 1000).toFixed(2)} s, cpu ${((cpu() - c0) / 1000).toFixed(2)} s, rss ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
  return r;
};
const ionParams = { chemMods: cfg.chemMods, neutralLosses: cfg.neutralLosses, adducts: cfg.adducts, polarity: '+' as const, decoySampleSize: 20 };
if (process.env.OLD) {
  const old = t('old: buildIonTable per DB', () => dbs.map((db) => referenceIonTable({ formulas: db.formulas, ...ionParams }))) as ReturnType<typeof referenceIonTable>[];
  t('old: merge', () => referenceMerge(old));
}
const merged = t('ions (buildJobIonTables)', () => buildJobIonTables(dbs.map((d) => d.formulas), ionParams)) as ReturnType<typeof buildJobIonTables>;
const tables = merged.tables;
console.log(`ions ${merged.ions.length}, slots ${tables.reduce((s, x) => s + x.target.length + x.decoys.length, 0)}`);
t('cache key', () => centroidCacheKey(merged.ions, 1, 0.000619, 'v'));
// the isotope engine's own rate on this job's ions, targets and decoys apart (decoy adducts bring heavy
// multi-isotope elements such as Sn, Hg, Mo, Xe, whose patterns cost more)
for (const [label, want] of [['target', 1], ['decoy', 0]] as const) {
  const idx: number[] = [];
  for (let i = 0; i < merged.ions.length; i++) if (merged.isTarget[i] === want) idx.push(i);
  const step = Math.max(1, Math.floor(idx.length / sample));
  const sub = idx.filter((_, j) => j % step === 0).map((i) => merged.ions[i]!);
  const c0 = cpu();
  const res = computeCentroidTable(sub, 1, 0.000619) as CentroidTableResult;
  const c = (cpu() - c0) / 1000;
  console.log(`centroids of ${sub.length} sampled ${label} ions: cpu ${c.toFixed(2)} s = ${(sub.length / c).toFixed(0)} formulas/CPU-s (${idx.length} ${label} ions in the job)`);
  const enc = t('  encode cache entry (sample)', () => encodeCentroidTable({ ionFormulas: sub, table: res.table, errors: res.errors })) as Uint8Array;
  t('  decode cache entry (sample)', () => decodeCentroidTable(enc));
}
