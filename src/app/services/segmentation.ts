// Segmentation of the sample pixels on the job's annotations at FDR ≤ 20 %, in the analysis worker (issue 14 §7).
import type { AnnotationRow } from '../../core/job/result.ts';
import type { DatasetMeta } from '../../core/types.ts';
import { annotationSetRequest } from './annotation-set.ts';
import { analysisWorker } from './images.ts';

export interface SegmentationResult {
  k: number;
  /** segment per grid pixel, 255 off the sample */
  map: Uint8Array;
  counts: Uint32Array;
  /** k × rows.length mean intensity of each annotation per segment */
  means: Float32Array;
  components: number;
  explained: number;
}

export async function segmentation(meta: DatasetMeta, rows: readonly AnnotationRow[], ppm: number, jobKey: string, k: number): Promise<SegmentationResult> {
  const req = await annotationSetRequest('segmentation', meta, rows, ppm, jobKey);
  const w = analysisWorker();
  const r = await Promise.race([w.remote.segmentation({ ...req, k }), w.crashed]);
  return { k, ...r };
}
