// Location records of cloud datasets in IndexedDB ('imzlens-cloud-datasets'/'locations', key = dataset id): which
// bucket and store prefix hold a dataset's segments (never credentials). Every segment read of the library asks
// "is this dataset in the cloud?", so the answer is kept in memory per dataset id: after the first read a local
// segment read costs no IndexedDB read. Writes and deletes go through here and update the memory copy; a full
// listing (the library view) refreshes it, which also picks up records written by another tab.
import { createStore, del, entries, get, set, type UseStore } from 'idb-keyval';
import type { CloudLocation } from '../cloud/location.ts';

let db: UseStore | null = null;
const locations = () => (db ??= createStore('imzlens-cloud-datasets', 'locations'));

/** null = known to be a local dataset. */
const known = new Map<string, CloudLocation | null>();
/** Bumped by every write, so a read that started before a write does not put its older answer in memory. */
let generation = 0;

export async function getCloudLocation(datasetId: string): Promise<CloudLocation | null> {
  const hit = known.get(datasetId);
  if (hit !== undefined) return hit;
  const gen = generation;
  const loc = (await get<CloudLocation>(datasetId, locations())) ?? null;
  if (gen === generation) known.set(datasetId, loc);
  return loc;
}

export async function listCloudLocationRecords(): Promise<Map<string, CloudLocation>> {
  const gen = generation;
  const all = new Map((await entries<string, CloudLocation>(locations())).map(([k, v]) => [String(k), v]));
  if (gen === generation) {
    known.clear();
    for (const [id, loc] of all) known.set(id, loc);
  }
  return all;
}

export async function putCloudLocation(datasetId: string, loc: CloudLocation): Promise<void> {
  generation++;
  known.delete(datasetId);
  await set(datasetId, loc, locations());
  known.set(datasetId, loc);
}

export async function deleteCloudLocation(datasetId: string): Promise<void> {
  generation++;
  known.delete(datasetId);
  await del(datasetId, locations());
  known.set(datasetId, null);
}
