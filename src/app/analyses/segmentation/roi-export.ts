// Segments → ROIs (issue 14 §7): each segment becomes a `Roi` of kind 'pixels' handed to the ROI tool's
// `addRois(datasetId, rois)` (src/app/analyses/roi/roi.svelte.ts), which stores and draws them with the drawn ones.
import type { Roi } from '../../../core/analysis/roi-types.ts';
import { segmentIndices } from '../../../core/analysis/segmentation.ts';
import { addRois as addToRoiTool } from '../roi/roi.svelte.ts';

export function segmentRois(map: Uint8Array, k: number, colors: readonly string[], prefix: string): Roi[] {
  const stamp = Date.now().toString(36);
  return segmentIndices(map, k).map((indices, s) => ({
    id: `seg-${stamp}-${s + 1}`,
    name: `${prefix} ${s + 1}`,
    color: colors[s % colors.length],
    shape: { kind: 'pixels', indices },
  }));
}

/** Hands the ROIs to the ROI tool (stored with the dataset). */
export function addRois(datasetId: string, rois: Roi[]): Promise<void> {
  return addToRoiTool(datasetId, rois);
}
