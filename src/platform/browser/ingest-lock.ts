// A Web Lock per dataset being ingested, held by the ingest worker while it runs. The browser releases it when the
// worker ends in any way (finished, crashed, tab closed or reloaded), so "pending in IndexedDB and not locked" means
// interrupted, while a dataset another open tab is still ingesting is left alone (not offered for resume, not removed).
const PREFIX = 'imzlens-ingest:';

/** Takes the lock of `datasetId`; resolves with its release once held (at once without the Web Locks API). */
export function holdIngestLock(datasetId: string): Promise<() => void> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (!locks) return Promise.resolve(() => {});
  return new Promise((taken) => {
    void locks.request(PREFIX + datasetId, () => new Promise<void>((release) => taken(() => release())));
  });
}

/** Ids of the datasets whose ingest is running now (in any tab of this origin). */
export async function runningIngests(): Promise<Set<string>> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (!locks) return new Set();
  const q = await locks.query();
  return new Set((q.held ?? []).map((l) => l.name ?? '').filter((n) => n.startsWith(PREFIX)).map((n) => n.slice(PREFIX.length)));
}
