// Segments → ROIs (issue 14 §7): each segment becomes a `Roi` of kind 'pixels' handed to the ROI tool's
// `addRois(datasetId, rois)` (src/app/analyses/roi/roi.svelte.ts, built in parallel). Until that module is on this
// branch, this adapter is the one place that calls it: the ROI tool registers its `addRois` here (or the import
// below replaces `sink` at merge); without it the ROIs are kept in `lastExport` and the panel says so.
import type { Roi } from '../../../core/analysis/roi-types.ts';
import { segmentIndices } from '../../../core/analysis/segmentation.ts';

type AddRois = (datasetId: string, rois: Roi[]) => unknown;
let sink: AddRois | null = null;

/** The ROI tool's `addRois`, registered by it (wired at merge). */
export function setAddRois(fn: AddRois | null): void {
  sink = fn;
}

/** The ROIs of the last export (for the panel's message and tests when no ROI tool is present). */
export let lastExport: { datasetId: string; rois: Roi[] } | null = null;

export function segmentRois(map: Uint8Array, k: number, colors: readonly string[], prefix: string): Roi[] {
  const stamp = Date.now().toString(36);
  return segmentIndices(map, k).map((indices, s) => ({
    id: `seg-${stamp}-${s + 1}`,
    name: `${prefix} ${s + 1}`,
    color: colors[s % colors.length],
    shape: { kind: 'pixels', indices },
  }));
}

/** Hands the ROIs to the ROI tool; true when it took them. */
export async function addRois(datasetId: string, rois: Roi[]): Promise<boolean> {
  lastExport = { datasetId, rois };
  if (!sink) return false;
  await sink(datasetId, rois);
  return true;
}
