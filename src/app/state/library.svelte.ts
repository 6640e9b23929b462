// The dataset library: the datasets in this browser, storage use, ingesting new pairs (files, URLs, or in the
// user's AWS Lambda), deleting, the selected dataset, the open-data panel's messages and the datasets' notes.
import type { DatasetMeta } from '../../core/types.ts';
import { currentCloudConfig, ingestPairInCloud } from '../services/cloud-datasets.ts';
import { deleteDataset, ingest as ingestInBrowser, listDatasets, storageEstimate, type IngestHandle, type IngestStatus } from '../services/datasets.ts';
import type { FilePair } from '../services/pairing.ts';
import { discardInterrupted, listInterrupted, resumeIngest, type InterruptedIngest } from '../services/ingest-resume.ts';
import { getStore } from '../services/store.ts';
import type { AppState } from './app.svelte.ts';

const NOTES_KEY = 'imzlens-notes';
/** The dataset last on screen: opening the page without one in the URL shows it again (not the welcome panel). */
const LAST_KEY = 'imzlens-last-dataset';
type Source = File | { url: string };

export class LibraryState {
  private readonly app: AppState;
  datasets = $state.raw<DatasetMeta[]>([]);
  storage = $state<{ usage: number; quota: number } | null>(null);
  /** Messages of the open-data panel (missing halves, failed ingests, bad bundles). */
  messages = $state<string[]>([]);
  /** The first listing is done (until then the page shows neither the welcome panel nor a dataset). */
  loaded = $state(false);
  ingestBusy = $state(false);
  /** Ingests stopped mid-way (tab closed or reloaded): offered for Resume or Discard. */
  interrupted = $state.raw<InterruptedIngest[]>([]);
  ingestStatus = $state<IngestStatus | null>(null);
  ingestName = $state('');
  private ingestHandle: IngestHandle | null = null;
  /** A line shown next to a dataset's name (the example says it is simulated), kept in localStorage. */
  notes = $state<Record<string, string>>(JSON.parse(localStorage.getItem(NOTES_KEY) ?? '{}'));
  /** The dataset on screen: the shared bundle's, or the selected one of the library (none for a bad share link). */
  readonly meta = $derived(this.selected());

  constructor(app: AppState) {
    this.app = app;
  }

  private selected(): DatasetMeta | null {
    const { share, view } = this.app;
    return share.bundle ? share.bundle.meta : share.fromLink ? null : (this.datasets.find((d) => d.id === view.dataset) ?? null);
  }

  async refresh(): Promise<void> {
    this.datasets = await listDatasets();
    this.storage = await storageEstimate();
  }

  /** First read: find interrupted ingests (a tab closed mid-ingest), then list, then reopen the last dataset. */
  load(): void {
    this.refreshInterrupted().then(() => this.refresh()).then(() => this.reopenLast())
      .catch((e: Error) => (this.messages = [`Could not read the dataset library: ${e.message}`]))
      .finally(() => (this.loaded = true));
  }

  /** No dataset in the URL: the one last on screen, else the newest. */
  private reopenLast(): void {
    const view = this.app.view;
    if (view.dataset || this.app.share.mode || !this.datasets.length) return;
    const last = localStorage.getItem(LAST_KEY);
    this.select((this.datasets.find((d) => d.id === last) ?? this.datasets[0]).id);
  }

  select(id: string): void {
    const view = this.app.view;
    localStorage.setItem(LAST_KEY, id);
    if (view.dataset === id) return;
    view.dataset = id;
    view.job = null;
    view.ion = null;
    this.app.job.result = null;
  }

  async remove(m: DatasetMeta): Promise<void> {
    if (!confirm(`Delete ${m.name} and its jobs from this browser?`)) return;
    await deleteDataset(m.id);
    const view = this.app.view;
    if (view.dataset === m.id) { view.dataset = null; view.job = null; view.ion = null; this.app.job.result = null; }
    await this.refresh();
  }

  setNote(id: string, note: string): void {
    this.notes[id] = note;
    localStorage.setItem(NOTES_KEY, JSON.stringify(this.notes));
  }

  /** Ingests one pair (in the browser unless `start` starts another ingest); null when it failed (the message says why). */
  async ingest(name: string, imzml: Source, ibd: Source,
    start?: (onStatus: (s: IngestStatus) => void) => IngestHandle): Promise<DatasetMeta | null> {
    this.ingestBusy = true;
    this.ingestName = name;
    this.ingestStatus = null;
    try {
      this.ingestHandle = start ? start((s) => (this.ingestStatus = s)) : ingestInBrowser({ name, imzml, ibd }, (s) => (this.ingestStatus = s));
      const m = await this.ingestHandle.done;
      await this.refresh();
      return m;
    } catch (e) {
      const msg = (e as Error).message;
      // the reader's messages name the file already (once is enough)
      this.messages = [...this.messages, /cancel/i.test(msg) ? `${name}: ingest cancelled; nothing was kept.` : msg.includes(name) ? msg : `${name}: ${msg}`];
      await this.refresh().catch(() => {});
      return null;
    } finally {
      this.ingestBusy = false;
      this.ingestHandle = null;
    }
  }

  private recheck: ReturnType<typeof setTimeout> | undefined;
  /** Lists interrupted ingests; while some ingest still holds its lock (running here or in another tab), looks again. */
  async refreshInterrupted(): Promise<void> {
    const r = await listInterrupted().catch(() => null);
    if (!r) return;
    this.interrupted = r.interrupted;
    clearTimeout(this.recheck);
    if (r.running > 0) this.recheck = setTimeout(() => void this.refreshInterrupted(), 2000);
  }

  /** Continues an interrupted ingest with the files the user picked again (an .imzML and an .ibd). */
  async resumeInterrupted(it: InterruptedIngest, files: File[]): Promise<void> {
    this.messages = [];
    const imzml = files.find((f) => /\.imzml$/i.test(f.name)), ibd = files.find((f) => /\.ibd$/i.test(f.name));
    if (!imzml || !ibd || files.length !== 2) {
      this.messages = [`${it.name}: to resume, pick the two files of the interrupted ingest again: ${it.imzml.name} and ${it.ibd.name}.`];
      return;
    }
    const m = await this.ingest(it.name, imzml, ibd, (onStatus) => resumeIngest(it, imzml, ibd, onStatus));
    await this.refreshInterrupted();
    if (m) this.select(m.id);
  }

  async discardInterrupted(it: InterruptedIngest): Promise<void> {
    if (!confirm(`Discard the interrupted ingest of ${it.name} (${it.percent.toFixed(0)} % done)? Everything it stored is deleted.`)) return;
    try {
      await discardInterrupted(it);
    } catch (e) {
      this.messages = [...this.messages, (e as Error).message];
    }
    await this.refreshInterrupted();
    await this.refresh();
  }

  cancelIngest(): void {
    this.ingestHandle?.cancel();
  }

  async ingestPairs(pairs: FilePair[]): Promise<void> {
    for (const p of pairs) {
      const m = await this.ingest(p.name, p.imzml, p.ibd);
      if (m) this.select(m.id);
    }
  }

  /** Serverless ingest: upload to S3 (resumable), ingest in AWS Lambda, register a cloud dataset (services/cloud-datasets.ts). */
  async ingestPairsInCloud(pairs: FilePair[]): Promise<void> {
    this.messages = [];
    for (const p of pairs) {
      const cfg = currentCloudConfig();
      if (!cfg) { this.messages = [...this.messages, `${p.name}: the cloud settings are gone; set them again.`]; return; }
      const m = await this.ingest(p.name, p.imzml, p.ibd, (onStatus) => ingestPairInCloud(p, { cfg, local: getStore(), onStatus }));
      if (m) this.select(m.id);
    }
  }

  async ingestUrl(imzmlUrl: string, ibdUrl: string): Promise<void> {
    this.messages = [];
    const name = decodeURIComponent(imzmlUrl.split('/').pop() ?? imzmlUrl).replace(/\.imzml$/i, '');
    const m = await this.ingest(name, { url: imzmlUrl }, { url: ibdUrl });
    if (m) this.select(m.id);
  }
}
