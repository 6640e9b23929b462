// Segmentation of the sample pixels on the job's annotations at FDR ≤ 20 %, in the analysis worker (issue 14 §7).
import type { AnnotationRow } from '../../core/job/result.ts';
import type { Segmentation } from '../../core/analysis/segmentation.ts';
import type { DatasetMeta } from '../../core/types.ts';
import { annotationSetRequest } from './annotation-set.ts';
import { analysisWorker } from './images.ts';

/** What the worker returns: core's `Segmentation` (segment map, counts, per-segment means, PCA size). */
export type SegmentationResult = Segmentation;

export async function segmentation(meta: DatasetMeta, rows: readonly AnnotationRow[], ppm: number, jobKey: string, k: number): Promise<SegmentationResult> {
  const req = await annotationSetRequest('segmentation', meta, rows, ppm, jobKey);
  const w = analysisWorker();
  return Promise.race([w.remote.segmentation({ ...req, k }), w.crashed]);
}
