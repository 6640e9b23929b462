// The page's job records in IndexedDB: full results in 'imzlens-jobs'/'results', small summaries (for the job list)
// in 'imzlens-job-index'/'summaries', both keyed by the job key `<datasetId>|<hash>`. The record types belong to
// the app (services/jobs.ts); this module only keeps them, so its functions are generic over them.
import { createStore, del, get, keys, set, type UseStore } from 'idb-keyval';

let resultsDb: UseStore | null = null;
let summariesDb: UseStore | null = null;
const results = () => (resultsDb ??= createStore('imzlens-jobs', 'results'));
const summaries = () => (summariesDb ??= createStore('imzlens-job-index', 'summaries'));

export function getJobResult<R>(key: string): Promise<R | undefined> {
  return get<R>(key, results());
}

export function putJobResult<R>(key: string, result: R): Promise<void> {
  return set(key, result, results());
}

export function putJobSummary<S>(key: string, summary: S): Promise<void> {
  return set(key, summary, summaries());
}

/**
 * Stores a job: its result, then its summary (so the job list never names a result that is not stored). When the
 * browser refuses either for lack of space, what was written is removed and the error says so in words.
 */
export async function putJob<R, S>(key: string, result: R, summary: S): Promise<void> {
  try {
    await putJobResult(key, result);
    await putJobSummary(key, summary);
  } catch (e) {
    await deleteJobRecord(key).catch(() => {});
    const err = e as { name?: string; message?: string } | null;
    if (err?.name === 'QuotaExceededError' || /quota/i.test(err?.message ?? '')) {
      const why = `QuotaExceededError${err?.message ? `: ${err.message}` : ''}`;
      throw new Error(`not enough browser storage for this job's result (${why}). Delete datasets in the library or free disk space, then run it again.`);
    }
    throw e;
  }
}

/** Keys of the summaries of one dataset's jobs. */
export async function jobKeysOf(datasetId: string): Promise<string[]> {
  return (await keys<string>(summaries())).filter((k) => k.startsWith(`${datasetId}|`));
}

export function getJobSummary<S>(key: string): Promise<S | undefined> {
  return get<S>(key, summaries());
}

/** Removes a job's result and its summary. */
export async function deleteJobRecord(key: string): Promise<void> {
  await del(key, results());
  await del(key, summaries());
}
