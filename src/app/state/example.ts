// "Try the example": ingest the simulated dataset bundled with the page (once), note that it is simulated, then run
// its job with the example's database and parameters (public/example/; services/example.ts). The example's database
// joins the job form's list (JobState.extraDbs), so the form shows the job's real settings and can re-run them.
import { DEFAULT_ANALYSIS_VERSION } from '../../core/score/models/versions.ts';
import { parseMolDb } from '../../core/chem/moldb.ts';
import type { JobParams } from '../../core/job/result.ts';
import { DEFAULT_ADDUCTS, DEFAULT_DECOYS, DEFAULT_PPM, DEFAULT_SIGMA } from '../../core/view/presets.ts';
import { openExample, type ExampleSpec } from '../services/example.ts';
import type { SelectedDb } from '../services/jobs.ts';
import { bundledDbs, loadBundledDb } from '../services/moldbs.ts';
import type { AppState } from './app.svelte.ts';

let exampleDbPromise: Promise<SelectedDb> | null = null;
let exampleSpec: Promise<ExampleSpec | null> | null = null;

/** The example's database (its own CSV, or a bundled one), loaded once per page. */
function loadExampleDb(ex: ExampleSpec): Promise<SelectedDb> {
  exampleDbPromise ??= (async () => {
    if (ex.dbUrl) {
      const r = await fetch(ex.dbUrl);
      if (!r.ok) throw new Error(`example database ${ex.dbName}: HTTP ${r.status}`);
      return { id: `example:${ex.dbName}`, db: parseMolDb(new Uint8Array(await r.arrayBuffer()), ex.dbName) };
    }
    const all = await bundledDbs();
    const entry = all.find((b) => b.id === ex.dbId) ?? all[0];
    if (!entry) throw new Error('no database available for the example');
    return { id: entry.id, db: await loadBundledDb(entry) };
  })();
  exampleDbPromise.catch(() => (exampleDbPromise = null));
  return exampleDbPromise;
}

/** A stored job of the example (after a reload) names the example's database: offer it in the form again. */
export async function offerExampleDb(app: AppState, databases: readonly string[]): Promise<void> {
  if (app.job.extraDbs.some((d) => databases.includes(d.db.name))) return;
  exampleSpec ??= openExample().catch(() => null); // index.json once per page
  const ex = await exampleSpec;
  if (!ex || !ex.dbUrl || !databases.includes(ex.dbName)) return;
  app.job.addExtraDb(await loadExampleDb(ex));
}

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
    const db = await loadExampleDb(ex);
    if (ex.dbUrl) job.addExtraDb(db);
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
