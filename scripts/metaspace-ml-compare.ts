// Annotation counts at each FDR level on the reference fixture job (../shared/fixtures/annotate): v1 as imzlens
// runs it; METASPACE-ML scoring + v3 FDR applied to the SAME ions as v1 (v1 spatial, isotope patterns and decoys;
// both m/z-error transforms); and whole analysis_version 3 jobs as this build runs them (registry model, v3 spatial,
// and whatever isotope patterns and decoys src/core/chem makes for version 3). Prints a Markdown table for the docs.
//
// Usage: npx tsx scripts/metaspace-ml-compare.ts
import { loadFixtureJob } from '../tests/helpers/fixture-job.ts';
import { runAnnotationDetailed } from '../src/core/job/pipeline.ts';
import { InlineExecutor } from '../src/core/job/inline-executor.ts';
import { fdrStage } from '../src/core/job/stages/fdr.ts';
import { loadMetaspaceMl, type MetaspaceMlKind } from '../src/core/score/models/metaspace-ml.ts';
import { metaspaceMlScores, type MzErrTransform } from '../src/core/score/models/msm-v3.ts';
import { fdrMethodV3 } from '../src/core/score/models/fdr-v3.ts';
import type { AnnotationRow } from '../src/core/job/result.ts';

const LEVELS = [0.05, 0.1, 0.2, 0.5];
const counts = (rows: AnnotationRow[]) => LEVELS.map((L) => rows.filter((r) => r.fdr <= L).length);

const t0 = performance.now();
const { ds, db, params } = await loadFixtureJob();
const { result, details } = await runAnnotationDetailed({ store: ds.store, meta: ds.meta, mask: ds.mask, dbs: [db], params, executor: new InlineExecutor(ds.store) });
const t1 = performance.now();
const lines = [
  `| scoring (fixture job: ${db.formulas.length} formulas, adducts ${params.adducts.join(' ')}, ${params.decoys} decoys) | ${LEVELS.map((L) => `FDR ≤ ${L * 100} %`).join(' | ')} |`,
  `|---|${LEVELS.map(() => '---:').join('|')}|`,
  `| v1 (MSM, v1 FDR) | ${counts(result.rows).join(' | ')} |`,
];
for (const kind of ['animal', 'plant'] as MetaspaceMlKind[]) {
  const model = await loadMetaspaceMl(kind);
  for (const transform of ['engine', 'training'] as MzErrTransform[]) {
    const t = performance.now();
    const score = metaspaceMlScores(model, details.scores, transform);
    const ms = performance.now() - t;
    const rows = fdrStage({ dbs: [db], tables: details.tables, ions: details.ions, centroids: details.centroids, scores: details.scores, ranked: { rank: score, shown: score }, method: fdrMethodV3, polarity: params.polarity });
    lines.push(`| METASPACE-ML ${kind}, m/z error ${transform === 'engine' ? '−\\|x\\| (engine)' : '1 − \\|x\\| (training)'}, v3 FDR, v1 ions | ${counts(rows).join(' | ')} |`);
    console.error(`${kind}/${transform}: ${details.scores.n} ions scored in ${ms.toFixed(0)} ms`);
  }
}
for (const kind of ['animal', 'plant']) {
  const t = performance.now();
  const v3 = await runAnnotationDetailed({ store: ds.store, meta: ds.meta, mask: ds.mask, dbs: [db], params: { ...params, analysisVersion: 3, scoringModel: kind }, executor: new InlineExecutor(ds.store) });
  lines.push(`| analysis_version 3 job, METASPACE-ML ${kind} (as this build runs it) | ${counts(v3.result.rows).join(' | ')} |`);
  console.error(`v3 ${kind} job ${(performance.now() - t).toFixed(0)} ms`);
}
console.error(`v1 job ${(t1 - t0).toFixed(0)} ms`);
console.log(lines.join('\n'));
