// Colocalization of the job's annotations at FDR ≤ 20 %, computed in the analysis worker (issue 14 §4).
import type { AnnotationRow } from '../../core/job/result.ts';
import type { DatasetMeta } from '../../core/types.ts';
import { annotationSetRequest } from './annotation-set.ts';
import { analysisWorker } from './images.ts';

/** n × n median-thresholded cosine scores (row-major) of `rows` (in their order). */
export async function colocalizationMatrix(meta: DatasetMeta, rows: readonly AnnotationRow[], ppm: number, jobKey: string): Promise<Float32Array> {
  const req = await annotationSetRequest('colocalization', meta, rows, ppm, jobKey);
  const w = analysisWorker();
  return Promise.race([w.remote.colocalization(req), w.crashed]);
}
