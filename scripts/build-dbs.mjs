#!/usr/bin/env node
// Builds the molecular databases bundled with the page (public/db/) from ../shared/data:
// each becomes a gzip-compressed tab-separated `id name formula` file (the METASPACE upload format,
// read by parseMolDb), and public/db/index.json lists them. Every input goes through parseMolDb, so an
// asset is only written if imzlens itself accepts the source. Usage: node scripts/build-dbs.mjs
import { register } from 'tsx/esm/api';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'fflate';

register();
const { parseMolDb } = await import('../src/core/chem/moldb.ts');

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SHARED = resolve(ROOT, '../shared/data');
const OUT = resolve(ROOT, 'public/db');

const DBS = [
  {
    id: 'core-metabolome-v3',
    name: 'CoreMetabolome v3',
    input: 'metaspace/recal_dbs/CoreMetabolome-v3.csv',
    source: 'metaspace2020/metaspace @ fd965c12, metaspace/recal/msi_recal/dbs/CoreMetabolome-v3.csv',
    licence: 'Apache-2.0 (METASPACE repository); upstream HMDB/ChEBI terms apply to the data',
  },
  {
    id: 'lipidmaps-2017-12-12-v2',
    name: 'LIPID MAPS 2017-12-12 v2',
    input: 'metaspace/recal_dbs/lipidmaps_2017-12-12-v2.tsv',
    source: 'metaspace2020/metaspace @ fd965c12, metaspace/recal/msi_recal/dbs/lipidmaps_2017-12-12-v2.tsv',
    licence: 'Apache-2.0 (METASPACE repository); upstream LIPID MAPS terms apply to the data',
  },
  {
    id: 'hmdb-organic-pysm',
    name: 'HMDB organic subset (pySM example)',
    input: 'pysm/hmdb_organic_database.csv',
    source: 'alexandrovteam/pySM @ d14eef9e, pySM/example/hmdb_organic_database.csv',
    licence: 'Apache-2.0 (pySM repository); upstream HMDB terms apply to the data',
  },
];

/** Tabs and line breaks cannot appear inside a TSV cell; none occur in these sources, but be safe. */
const cell = (s) => s.replace(/[\t\r\n]+/g, ' ');

mkdirSync(OUT, { recursive: true });
const index = [];
for (const d of DBS) {
  const db = parseMolDb(readFileSync(resolve(SHARED, d.input)), d.input);
  const lines = ['id\tname\tformula'];
  const { ids, names, formulaIndex } = db.molecules;
  for (let i = 0; i < ids.length; i++) lines.push(`${cell(ids[i])}\t${cell(names[i])}\t${db.formulas[formulaIndex[i]]}`);
  const gz = gzipSync(new TextEncoder().encode(lines.join('\n') + '\n'), { level: 9, mtime: 0 });
  const file = `${d.id}.tsv.gz`;
  writeFileSync(resolve(OUT, file), gz);
  index.push({ id: d.id, name: d.name, file, molecules: ids.length, formulas: db.formulas.length, source: d.source, licence: d.licence });
  console.log(`${file}: ${ids.length} molecules, ${db.formulas.length} formulas, ${gz.length} bytes${db.warnings.length ? ` (warnings: ${db.warnings.length})` : ''}`);
}
writeFileSync(resolve(OUT, 'index.json'), JSON.stringify(index, null, 2) + '\n');
