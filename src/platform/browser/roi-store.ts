// Regions of interest in IndexedDB ('imzlens-rois'/'rois', key = dataset id, value = Roi[]), kept with the dataset
// they were drawn on: deleting the dataset deletes them (services/datasets.ts). Values are stored as structured
// clones (a 'pixels' ROI's Uint32Array stays a typed array).
import { createStore, del, get, set, type UseStore } from 'idb-keyval';
import type { Roi } from '../../core/analysis/roi-types.ts';

let db: UseStore | null = null;
const rois = () => (db ??= createStore('imzlens-rois', 'rois'));

export async function getRois(datasetId: string): Promise<Roi[]> {
  return (await get<Roi[]>(datasetId, rois())) ?? [];
}

export function putRois(datasetId: string, list: Roi[]): Promise<void> {
  return set(datasetId, list, rois());
}

export function deleteRois(datasetId: string): Promise<void> {
  return del(datasetId, rois());
}
