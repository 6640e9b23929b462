// The reference annotation job of ../shared/fixtures/annotate (dataset, database, parameters), loaded in memory.
import { readFileSync } from 'node:fs';
import { sharedPath } from './shared.ts';
import { NodeFileSource } from '../../src/platform/node/file-source.ts';
import { loadDataset } from '../../src/core/imzml/ingest.ts';
import { parseMolDb } from '../../src/core/chem/moldb.ts';
import type { JobParams } from '../../src/core/job/result.ts';

export const FIXTURE_PARAMS: JobParams = {
  databases: ['fixture_db'], adducts: ['+H', '+Na', '+K'], neutralLosses: [], chemMods: [],
  polarity: '+', sigma: 0.000619, ppm: 3, decoys: 20, analysisVersion: 1,
};

export async function loadFixtureJob(options: { id?: string; targetSegmentBytes?: number } = {}) {
  const dir = 'fixtures/annotate';
  const imzml = await NodeFileSource.open(sharedPath(dir, 'fixture.imzML'));
  const ibd = await NodeFileSource.open(sharedPath(dir, 'fixture.ibd'));
  try {
    const ds = await loadDataset(imzml, ibd, options);
    const db = parseMolDb(new Uint8Array(readFileSync(sharedPath(dir, 'fixture_db.csv'))), 'fixture_db.csv');
    return { ds, db, params: FIXTURE_PARAMS };
  } finally {
    await imzml.close();
    await ibd.close();
  }
}
