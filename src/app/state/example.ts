// "Try the example": ingest the simulated dataset bundled with the page (once), note that it is simulated, then run
// its job with the example's database and parameters (public/example/; services/example.ts).
import { DEFAULT_ANALYSIS_VERSION } from '../../core/score/models/index.ts';
import { parseMolDb } from '../../core/chem/moldb.ts';
import type { JobParams } from '../../core/job/result.ts';
import { DEFAULT_ADDUCTS, DEFAULT_DECOYS, DEFAULT_PPM, DEFAULT_SIGMA } from '../../core/view/presets.ts';
import { openExample } from '../services/example.ts';
import type { SelectedDb } from '../services/jobs.ts';
import { bundledDbs, loadBundledDb } from '../services/moldbs.ts';
import type { AppState } from './app.svelte.ts';

export async function tryExample(app: AppState): Promise<void> {
  const { library, job } = app;
  library.messages = [];
  try {
    const ex = await openExample();
    let m = library.datasets.find((d) => d.name === ex.name && d.source.imzml.endsWith(ex.imzmlFile)) ?? null;
    if (!m) m = await library.ingest(ex.name, { url: ex.imzmlUrl }, { url: ex.ibdUrl });
    if (!m) return;
    library.setNote(m.id, ex.note);
    library.select(m.id);
    let db: SelectedDb;
    if (ex.dbUrl) {
      const r = await fetch(ex.dbUrl);
      if (!r.ok) throw new Error(`example database ${ex.dbName}: HTTP ${r.status}`);
      db = { id: `example:${ex.dbName}`, db: parseMolDb(new Uint8Array(await r.arrayBuffer()), ex.dbName) };
    } else {
      const all = await bundledDbs();
      const entry = all.find((b) => b.id === ex.dbId) ?? all[0];
      if (!entry) throw new Error('no database available for the example');
      db = { id: entry.id, db: await loadBundledDb(entry) };
    }
    const polarity = ex.params.polarity ?? (m.polarity === 'negative' ? '-' : '+');
    const params: JobParams = {
      adducts: DEFAULT_ADDUCTS[polarity], neutralLosses: [], chemMods: [], sigma: DEFAULT_SIGMA, ppm: DEFAULT_PPM,
      decoys: DEFAULT_DECOYS, ...ex.params, polarity, databases: [db.db.name], analysisVersion: DEFAULT_ANALYSIS_VERSION,
    };
    await job.start(m, [db], params);
  } catch (e) {
    library.messages = [...library.messages, (e as Error).message];
  }
}
