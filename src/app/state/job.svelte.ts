// Annotation jobs of the selected dataset: the list, the result on screen (from IndexedDB or a shared bundle),
// running and cancelling a job with per-stage progress, the table's rows (filters, sort, comparison with a CSV),
// the selected row, the CSV export, and the interrupted jobs (a reload or a closed tab during a job): continue or discard.
import { untrack } from 'svelte';
import { CancelledError } from '../../core/job/executor.ts';
import type { AnnotationRow, JobParams, JobResult } from '../../core/job/result.ts';
import type { DatasetMeta } from '../../core/types.ts';
import { applyAgreement, type Agreement, type AgreementFilter } from '../../core/view/agreement.ts';
import { resultsCsv } from '../../core/results/csv.ts';
import { describeFilters, filterRows, sortRows } from '../../core/view/table.ts';
import {
  discardInterruptedJob, getJob, jobKey, listInterruptedJobs, listJobs, partialJobDbs, runJob,
  type InterruptedJob, type JobRunRequest, type JobSummary, type SelectedDb,
} from '../services/jobs.ts';
import { checkJobSettings, loadCloudSettings } from '../services/cloud-settings.ts';
import { loadBundledDb } from '../services/moldbs.ts';
import type { StageProgress } from '../types.ts';
import { downloadBlob } from '../viewer/png-export.ts';
import type { AppState } from './app.svelte.ts';
import { offerExampleDb } from './example.ts';

/** A row's id in the URL and across re-sorts: ion + database (unique within a job). */
export const rowId = (r: AnnotationRow) => `${r.ion}|${r.database}`;

export class JobState {
  private readonly app: AppState;
  /** Jobs of the selected dataset, newest first. */
  jobs = $state.raw<JobSummary[]>([]);
  result = $state.raw<JobResult | null>(null);
  /** Job key of `result` (plain field: only compared, never rendered). */
  private resultKey = '';
  busy = $state(false);
  stages = $state<StageProgress[]>([]);
  /** The job running or last run (its settings, dataset and start), for the progress panel and the form. */
  running = $state.raw<{ datasetId: string; params: JobParams; startedAt: number } | null>(null);
  /** Databases the page holds besides the bundled ones (the example's): the form lists them as choosable. */
  extraDbs = $state.raw<SelectedDb[]>([]);
  private ctrl: AbortController | null = null;
  /** Job key of the job running (its partial record is not "interrupted"). */
  private runningKey = '';
  message = $state('');
  /** Jobs of any dataset that started and did not finish (services/jobs.ts PartialJob), newest first. */
  interrupted = $state.raw<InterruptedJob[]>([]);
  /** A loaded comparison CSV (per job, memory only, not in the URL) can filter/sort the rows by agreement. */
  agreement = $state.raw<Agreement | null>(null);
  agreementView = $state<{ show: AgreementFilter; sort: boolean | null }>({ show: 'all', sort: null });
  /** The table's rows: filtered, sorted, then by agreement. */
  readonly filtered = $derived(this.rows());
  readonly selectedIndex = $derived(this.indexOfSelected());
  readonly selectedRow = $derived(this.selectedIndex >= 0 ? this.filtered[this.selectedIndex] : null);
  readonly dbNames = $derived(this.result ? [...new Set(this.result.rows.map((r) => r.database))] : []);
  readonly adductNames = $derived(this.result ? [...new Set(this.result.rows.map((r) => r.adduct))] : []);

  constructor(app: AppState) {
    this.app = app;
  }

  private rows(): AnnotationRow[] {
    const view = this.app.view;
    return this.result ? applyAgreement(sortRows(filterRows(this.result.rows, view.filters), view.sort), this.agreement, this.agreementView) : [];
  }

  private indexOfSelected(): number {
    const ion = this.app.view.ion;
    return ion ? this.filtered.findIndex((r) => rowId(r) === ion) : -1;
  }

  /** Dataset changed → its jobs (the newest one opens when the URL names none). */
  followDataset(): void {
    $effect(() => {
      const m = this.app.library.meta;
      const { share, view } = this.app;
      this.jobs = [];
      if (share.bundle || !m || share.fromLink) return;
      listJobs(m.id).then((j) => {
        if (view.dataset !== m.id) return;
        this.jobs = j;
        if (!untrack(() => view.job) && j.length) view.job = j[0].key;
      }).catch(() => {});
    });
  }

  /** Adds a database the form should offer (replaces one with the same id). */
  addExtraDb(db: SelectedDb): void {
    this.extraDbs = [...this.extraDbs.filter((d) => d.id !== db.id), db];
  }

  /** The progress panel is shown for the dataset on screen while its job runs, and after it stopped (why it did). */
  showsProgress(datasetId: string): boolean {
    return this.running?.datasetId === datasetId && (this.busy || this.stages.some((s) => s.stopped));
  }

  /** Job changed → its result (from IndexedDB). */
  followJob(): void {
    $effect(() => {
      if (this.app.share.bundle) return; // the result is the bundle's
      const view = this.app.view;
      const key = view.job;
      if (!key) { this.result = null; return; }
      if (untrack(() => this.result) && this.resultKey === key) return;
      getJob(key).then((r) => {
        if (view.job !== key) return;
        this.result = r ?? null;
        this.resultKey = key;
        if (r) offerExampleDb(this.app, r.params.databases).catch(() => {});
        if (!r) this.message = 'The job in the link is not in this browser any more; run it again.';
      }).catch((e: Error) => (this.message = e.message));
    });
  }

  /** The selection defaults to the best row of a fresh result. */
  followRows(): void {
    $effect(() => {
      const view = this.app.view;
      if (this.filtered.length && this.selectedIndex < 0 && untrack(() => !view.ion || !this.result!.rows.some((r) => rowId(r) === view.ion))) {
        view.ion = rowId(this.filtered[0]);
      }
    });
  }

  /** Shows a result that is not a stored job (a shared bundle's). */
  showResult(r: JobResult): void {
    this.result = r;
    this.resultKey = '';
  }

  open(key: string): void {
    this.app.view.job = key;
    this.app.view.ion = null;
  }

  selectRow(i: number): void {
    this.app.view.ion = rowId(this.filtered[i]);
  }

  private trackProgress(p: { stage: string; done: number; total: number }): void {
    const t = performance.now();
    const cur = this.stages.find((s) => s.stage === p.stage);
    const before = p.total > 1 ? p.done : undefined;
    if (cur) { cur.done = p.done; cur.total = p.total; cur.doneBefore ??= before; return; }
    for (const s of this.stages) if (s.finishedAt == null) s.finishedAt = t;
    this.stages.push({ stage: p.stage, done: p.done, total: p.total, startedAt: t, finishedAt: null, doneBefore: before });
  }

  async start(m: DatasetMeta, dbs: SelectedDb[], params: JobParams, place: Pick<JobRunRequest, 'cloud' | 'placeChosen'> = { placeChosen: false }): Promise<void> {
    const view = this.app.view;
    this.busy = true;
    this.message = '';
    this.stages = [];
    this.running = { datasetId: m.id, params, startedAt: performance.now() };
    this.runningKey = jobKey(m.id, dbs, params);
    this.interrupted = this.interrupted.filter((j) => j.key !== this.runningKey);
    const ctrl = (this.ctrl = new AbortController());
    try {
      // Progress comes through its own message channel (a Comlink proxy), so the last stage's report can arrive
      // after the result; taken then, it added an unfinished stage that showed a finished job as "Job stopped".
      let returned = false;
      const { key, result: r, cached, stored } = await runJob({ meta: m, dbs, params, onProgress: (p) => { if (!returned) this.trackProgress(p); }, signal: ctrl.signal, cloud: place.cloud, placeChosen: place.placeChosen });
      returned = true;
      const t = performance.now();
      for (const s of this.stages) if (s.finishedAt == null) s.finishedAt = t;
      // The table first, then the wait for IndexedDB (the job stays busy until its result is stored).
      this.resultKey = key;
      this.result = r;
      view.job = key;
      view.ion = null;
      if (cached) this.message = 'Same dataset, databases and parameters as an earlier job: reopened its result.';
      try {
        await stored;
      } catch (e) {
        this.message = `The result is shown but could not be stored in this browser (it will be gone after a reload): ${(e as Error).message}`;
      }
      this.jobs = await listJobs(m.id);
    } catch (e) {
      this.message = e instanceof CancelledError || /cancel/i.test((e as Error).message) ? 'Job cancelled.' : `Job failed: ${(e as Error).message}`;
    } finally {
      // a failed or cancelled job stops the timer of the stage it was in
      const t = performance.now();
      for (const s of this.stages) if (s.finishedAt == null) { s.finishedAt = t; s.stopped = true; }
      this.busy = false;
      this.ctrl = null;
      this.runningKey = '';
      void this.loadInterrupted(); // a failed job stays to continue; a finished or cancelled one is gone
    }
  }

  /** Reads the interrupted jobs from IndexedDB (the one running excluded). */
  async loadInterrupted(): Promise<void> {
    try {
      const list = await listInterruptedJobs();
      this.interrupted = list.filter((j) => !(this.busy && j.key === this.runningKey));
    } catch {
      this.interrupted = [];
    }
  }

  /** Continue: the same job again (dataset, databases, parameters, where it ran); its stored tasks are not re-run. */
  async continueInterrupted(p: InterruptedJob): Promise<void> {
    if (this.busy) return;
    if (!this.app.library.loaded) { this.message = 'The dataset library is still being read; try again in a moment.'; return; }
    const meta = this.app.library.datasets.find((d) => d.id === p.datasetId);
    if (!meta) {
      this.message = `The dataset of the interrupted job (${p.datasetName}) is not in this browser any more: discard the job.`;
      return;
    }
    let place: Pick<JobRunRequest, 'cloud' | 'placeChosen'> = { placeChosen: true };
    if (p.runOn === 'lambda') {
      const settings = loadCloudSettings();
      const problems = checkJobSettings(settings);
      if (problems.length) {
        this.app.library.select(meta.id);
        this.message = `To continue this AWS Lambda job, fill in Cloud settings (in the job form) first: ${problems.join(' ')}`;
        return;
      }
      place = { cloud: { settings }, placeChosen: true };
    }
    try {
      const dbs = await partialJobDbs(p);
      for (const d of dbs) if (p.dbs.some((x) => x.id === d.id && x.db)) this.addExtraDb(d);
      this.app.library.select(meta.id);
      // a page update changed a bundled database: the stored tasks belong to another job key, drop them
      if (jobKey(meta.id, dbs, p.params) !== p.key) await discardInterruptedJob(p.key);
      await this.start(meta, dbs, p.params, place);
    } catch (e) {
      this.message = `Could not continue the job: ${(e as Error).message}`;
    }
  }

  /** Discard: deletes the interrupted job's stored tasks and record (nothing else). */
  async discardInterrupted(p: InterruptedJob): Promise<void> {
    await discardInterruptedJob(p.key).catch((e: Error) => (this.message = `Could not discard the job: ${e.message}`));
    this.interrupted = this.interrupted.filter((j) => j.key !== p.key);
  }

  /** The job form's request: resolve the bundled databases, then start. */
  async run(req: JobRunRequest): Promise<void> {
    const meta = this.app.library.meta;
    if (!meta) return;
    try {
      const dbs: SelectedDb[] = [];
      for (const b of req.bundled) dbs.push({ id: b.id, db: await loadBundledDb(b) });
      await this.start(meta, [...dbs, ...req.uploads], req.params, req);
    } catch (e) {
      this.message = `Job failed: ${(e as Error).message}`;
    }
  }

  cancel(): void {
    this.ctrl?.abort();
  }

  /** The table's CSV: the rows shown, with the parameters, filters and page address in its header. */
  exportCsv(): void {
    const result = this.result;
    if (!result) return;
    const text = resultsCsv(result, this.filtered, { exportedAt: new Date().toISOString(), url: location.href, filters: describeFilters(this.app.view.filters) });
    downloadBlob(new Blob([text], { type: 'text/csv' }), `${result.datasetName}_annotations.csv`);
  }
}
