// What colocalization and segmentation send to the analysis worker: the principal-peak m/z of the job's
// annotations at FDR ≤ 20 % (METASPACE's default set), MSM order, and — for cloud datasets — the segments their
// windows touch (S3 reads need the page's cloud settings, which the worker does not have).
import { inAnalysisSet } from '../../core/analysis/annotation-images.ts';
import { segmentsForWindows } from '../../core/analysis/ion-images.ts';
import type { AnnotationRow } from '../../core/job/result.ts';
import type { DatasetMeta, Segment } from '../../core/types.ts';
import type { AnnotationSetRequest } from '../../../workers/analysis-worker.ts';
import { analysisWorker, datasetMask } from './images.ts';
import { isCloudDataset, storeFor } from './store.ts';

/** The rows analyses run on: FDR ≤ 20 %, highest MSM first (ties: m/z), each with a principal peak. */
export function analysisRows(rows: readonly AnnotationRow[]): AnnotationRow[] {
  return rows.filter((r) => inAnalysisSet(r.fdr) && r.centroidMzs[0] > 0).sort((a, b) => b.msm - a.msm || a.mz - b.mz);
}

/** The request for `kind`; a cloud dataset's segments are read only when the worker does not hold the set yet. */
export async function annotationSetRequest(kind: 'colocalization' | 'segmentation', meta: DatasetMeta, rows: readonly AnnotationRow[], ppm: number, jobKey: string): Promise<AnnotationSetRequest> {
  const mask = await datasetMask(meta);
  const mzs = rows.map((r) => r.centroidMzs[0]);
  // the key names the dataset, the job and the exact m/z list (a rerun with other parameters is another job key)
  const cacheKey = `${meta.id}|${jobKey}|${ppm}|${mzs.length}|${mzs.reduce((h, mz) => (h * 31 + Math.round(mz * 1e6)) % 2147483647, 7)}`;
  let segments: { index: number; segment: Segment }[] | undefined;
  if ((await isCloudDataset(meta)) && !(await analysisWorker().remote.hasAnnotationSet(kind, cacheKey))) {
    const store = await storeFor(meta);
    segments = [];
    for (const index of segmentsForWindows(meta.segments, mzs, ppm)) segments.push({ index, segment: await store.getSegment(meta.id, index) });
  }
  return { meta, mask, mzs, ppm, cacheKey, segments };
}
