// Interrupted ingests (a tab closed or reloaded mid-ingest, the browser killing it): the library lists them with how
// far they got and offers Resume (re-pick the same files, checked by the worker) or Discard (delete all they wrote).
import { resumePercent, resumeWhere, type FileIdentity, type IngestResumeRecord } from '../../core/imzml/resume.ts';
import { IdbSegmentStore } from '../../platform/browser/idb-store.ts';
import { runningIngests } from '../../platform/browser/ingest-lock.ts';
import { deleteDataset, ingest, type IngestHandle, type IngestStatus } from './datasets.ts';
import { getStore } from './store.ts';

export interface InterruptedIngest {
  id: string;
  name: string;
  /** Share done, 0–100. */
  percent: number;
  /** "m/z bucket 12 of 30, pass 2 of 3 (40 % done)". */
  where: string;
  imzml: FileIdentity;
  ibd: FileIdentity;
  startedAt: string;
  updatedAt: string;
}

let idb: IdbSegmentStore | null = null;
const records = () => (idb ??= new IdbSegmentStore());

/**
 * Datasets whose ingest stopped before its commit and is not running (in this or another tab). Those with a resume
 * record are returned; those without one (stopped before anything was stored) are removed, as before resume existed.
 * `running`: incomplete datasets whose ingest holds its lock (a worker just stopped may still hold it for a moment).
 */
export async function listInterrupted(): Promise<{ interrupted: InterruptedIngest[]; running: number }> {
  const ids = await getStore().listIncomplete();
  if (!ids.length) return { interrupted: [], running: 0 };
  const held = await runningIngests();
  const out: InterruptedIngest[] = [];
  let running = 0;
  for (const id of ids) {
    if (held.has(id)) { running++; continue; }
    const r = await records().getResume(id);
    if (r) out.push(describe(r));
    else await deleteDataset(id);
  }
  return { interrupted: out.sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : -1)), running };
}

function describe(r: IngestResumeRecord): InterruptedIngest {
  return { id: r.id, name: r.name, percent: resumePercent(r), where: resumeWhere(r), imzml: r.imzml, ibd: r.ibd, startedAt: r.startedAt, updatedAt: r.updatedAt };
}

/** Continues an interrupted ingest with the re-picked files (the worker refuses other files, naming what differs). */
export function resumeIngest(it: InterruptedIngest, imzml: File, ibd: File, onStatus: (s: IngestStatus & { note?: string }) => void): IngestHandle {
  const note = `resumed at ${it.where}`;
  return ingest({ id: it.id, name: it.name, imzml, ibd, resume: true }, (s) => onStatus({ ...s, note }));
}

/** Deletes everything an interrupted ingest wrote (segments, blobs, resume record, pending marker). */
export async function discardInterrupted(it: InterruptedIngest): Promise<void> {
  if ((await runningIngests()).has(it.id)) throw new Error(`${it.name} is being ingested in another tab; discard it there.`);
  await deleteDataset(it.id);
}
