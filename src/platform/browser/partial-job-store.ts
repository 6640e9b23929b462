// Interrupted jobs in IndexedDB (issue 16: nothing lost on a reload): one small record per job that has started
// and not finished ('imzlens-partial-jobs'/'jobs', keyed by the job key `<datasetId>|<hash>`), and each finished
// score task's output ('imzlens-partial-tasks'/'tasks', keyed `<job key>|<task key>`), written by the job worker as
// the task completes. The page offers to continue such a job (its stored tasks are not run again) or to discard it;
// a job that finishes deletes both. The record type belongs to the app (services/jobs.ts), so the functions are
// generic over it.
import { createStore, del, delMany, get, keys, set, values, type UseStore } from 'idb-keyval';
import type { StageCache } from '../../core/job/stages/run-stage.ts';

let jobsDb: UseStore | null = null;
let tasksDb: UseStore | null = null;
const jobs = () => (jobsDb ??= createStore('imzlens-partial-jobs', 'jobs'));
const tasks = () => (tasksDb ??= createStore('imzlens-partial-tasks', 'tasks'));

export function putPartialJob<R>(key: string, record: R): Promise<void> {
  return set(key, record, jobs());
}

export function getPartialJob<R>(key: string): Promise<R | undefined> {
  return get<R>(key, jobs());
}

/** Every interrupted job's record. */
export function listPartialJobs<R>(): Promise<R[]> {
  return values<R>(jobs());
}

async function taskKeysOf(jobKey: string): Promise<string[]> {
  const prefix = `${jobKey}|`;
  return (await keys<string>(tasks())).filter((k) => typeof k === 'string' && k.startsWith(prefix));
}

/** How many of a job's tasks are stored. */
export async function countPartialTasks(jobKey: string): Promise<number> {
  return (await taskKeysOf(jobKey)).length;
}

/** Deletes a job's record and all its stored tasks (nothing else). */
export async function deletePartialJob(jobKey: string): Promise<void> {
  await delMany(await taskKeysOf(jobKey), tasks());
  await del(jobKey, jobs());
}

/** The score stage's task cache for one job (see core/job/stages/score.ts): its tasks under the job key. */
export function partialTaskCache(jobKey: string): StageCache {
  return {
    get: (k) => get(`${jobKey}|${k}`, tasks()),
    set: (k, v) => set(`${jobKey}|${k}`, v, tasks()),
  };
}
