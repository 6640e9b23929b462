// Dataset library service: ingest (in a worker), list, delete, storage use.
import * as Comlink from 'comlink';
import type { IngestProgress } from '../../core/imzml/ingest.ts';
import type { DatasetMeta } from '../../core/types.ts';
import type { IngestRequest, IngestWorkerApi } from '../../../workers/ingest-worker.ts';
import { getStore } from './store.ts';
import { deleteJobsOf } from './jobs.ts';
import { deleteRois } from '../../platform/browser/roi-store.ts';

export interface IngestStatus {
  stage: string;
  /** Bytes processed of the stage and its total (stages 'index', 'sample', 'read' count bytes). */
  done: number;
  total: number;
  mbPerS: number;
  etaS: number | null;
}

export function newDatasetId(name: string): string {
  const slug = name.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 40);
  const rand = crypto.getRandomValues(new Uint8Array(4));
  return `${slug}-${Array.from(rand, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export interface IngestHandle {
  done: Promise<DatasetMeta>;
  cancel(): void;
}

/** Ingests one pair in a fresh worker; the worker is closed afterwards. `id` + `resume`: continue that interrupted ingest. */
export function ingest(req: Omit<IngestRequest, 'id'> & { id?: string }, onStatus: (s: IngestStatus) => void): IngestHandle {
  const worker = new Worker(new URL('../../../workers/ingest-worker.ts', import.meta.url), { type: 'module', name: 'imzlens-ingest' });
  const remote = Comlink.wrap<IngestWorkerApi>(worker);
  // A stage's clock starts when the one before it last reported (its first report already carries a batch of work).
  // A multi-pass ingest alternates 'read' and 'sort'; each keeps its first clock, so MB/s and the ETA are averages
  // over the whole stage (the other stage's time between passes included).
  const stageStart = new Map<string, number>();
  // a resumed ingest's stages start part-way (done > 0): rates count from there
  const stageBase = new Map<string, number>();
  let lastReport = performance.now();
  let reject: (e: Error) => void = () => {};
  const crashed = new Promise<never>((_, rej) => { reject = rej; });
  worker.addEventListener('error', (e) => { e.preventDefault(); reject(new Error(`the ingest worker crashed: ${e.message || 'failed to load'}`)); });
  const progress = (p: IngestProgress) => {
    const now = performance.now();
    if (!stageStart.has(p.stage)) { stageStart.set(p.stage, lastReport); stageBase.set(p.stage, req.resume ? p.done : 0); }
    lastReport = now;
    const dt = (now - stageStart.get(p.stage)!) / 1000;
    const rate = dt > 0 ? (p.done - stageBase.get(p.stage)!) / dt : 0;
    const byteStage = p.stage === 'index' || p.stage === 'sample' || p.stage === 'read';
    onStatus({
      stage: p.stage, done: p.done, total: p.total,
      mbPerS: byteStage ? rate / 1e6 : 0,
      etaS: rate > 0 && p.total > p.done ? (p.total - p.done) / rate : null,
    });
  };
  const id = req.id ?? newDatasetId(req.name);
  let cancelled = false;
  let fallback: ReturnType<typeof setTimeout> | undefined;
  const run = Promise.race([remote.ingest({ ...req, id }, Comlink.proxy(progress)), crashed]);
  const done = run.then(async (meta) => {
    // the worker finished (committed) before the cancel reached it: the user still asked for nothing to be kept
    if (cancelled) { await deleteDataset(meta.id).catch(() => {}); throw new Error(CANCELLED); }
    return meta;
  }).finally(() => {
    clearTimeout(fallback);
    remote[Comlink.releaseProxy]();
    worker.terminate();
  });
  return {
    done,
    cancel: () => {
      cancelled = true;
      // abort inside the worker: it stops at its next step, waits for its writes in flight and deletes the partial
      // dataset. Only if it does not answer in time is it stopped here and the dataset removed from this thread.
      remote.cancel().catch(() => {});
      fallback = setTimeout(() => {
        worker.terminate();
        void getStore().delete(id).catch(() => {}).finally(() => reject(new Error(CANCELLED)));
      }, 30_000);
    },
  };
}

const CANCELLED = 'ingest cancelled by the user';

export async function listDatasets(): Promise<DatasetMeta[]> {
  const list = await getStore().list();
  return list.sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
}

export async function deleteDataset(id: string): Promise<void> {
  await getStore().delete(id);
  await deleteJobsOf(id);
  await deleteRois(id);
}

/** Stored size of a dataset: 16 bytes per peak (m/z f64, intensity f32, pixel u32) + mask and TIC. */
export function storedBytes(meta: DatasetMeta): number {
  return meta.totalPeaks * 16 + meta.width * meta.height * 5;
}

export async function storageEstimate(): Promise<{ usage: number; quota: number } | null> {
  const e = await navigator.storage?.estimate?.().catch(() => null);
  return e && e.usage != null && e.quota != null ? { usage: e.usage, quota: e.quota } : null;
}

export function formatBytes(n: number): string {
  if (n < 1e3) return `${n} B`;
  if (n < 1e6) return `${(n / 1e3).toFixed(1)} kB`;
  if (n < 1e9) return `${(n / 1e6).toFixed(1)} MB`;
  return `${(n / 1e9).toFixed(2)} GB`;
}
