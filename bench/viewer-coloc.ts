// `npx tsx bench/viewer-coloc.ts [n]`: CPU time of colocalization and segmentation (issue 14 §4, §7) on the bench's
// ~100k-pixel dataset (bench/data/interactive/sim-472.*, see s4 notes): n principal-peak images (default 200: the
// 100 planted ions' first two isotope peaks; an annotation set's images look alike), read from an on-disk store
// like the page's analysis worker reads IndexedDB. Not part of the default bench run; ingests once into
// bench/data/interactive/cache-viewer-tools.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { eachPrincipalImage, principalColumns } from '../src/core/analysis/annotation-images.ts';
import { colocPrepare, cosineMatrix } from '../src/core/analysis/colocalization.ts';
import { covariance, kmeans, pcaScores, preprocessColumns, segmentPixels, symmetricEigen } from '../src/core/analysis/segmentation.ts';
import { openDataset } from '../src/platform/node/dataset-cache.ts';

const repo = resolve(import.meta.dirname, '..');
const dir = resolve(repo, 'bench/data/interactive');
const n = Number(process.argv[2] ?? 200);
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const ds = await openDataset({ imzml: `${dir}/sim-472.imzML`, ibd: `${dir}/sim-472.ibd`, name: 'sim-472', root: `${dir}/cache-viewer-tools`, useCache: true });
const { meta, mask, store } = ds;
let sample = 0;
for (const v of mask) sample += v;
const truth = readFileSync(`${dir}/sim-472.truth.csv`, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
const mzs: number[] = [];
for (const iso of [0, 1, 2]) for (const t of truth) if (mzs.length < n) mzs.push(Number(t[4].split(';')[iso]));
const geometry = { width: meta.width, height: meta.height, mask };
const read = (i: number) => store.getSegment(meta.id, i);
console.log(`dataset ${meta.width}×${meta.height} (${meta.width * meta.height} grid px, ${sample} sample px), ${mzs.length} images, load ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);

let t = cpu(), w = performance.now();
const images: Float32Array[] = new Array(mzs.length);
await eachPrincipalImage(meta.segments, read, geometry, mzs, 3, (k, img) => (images[k] = img));
const tImg = [cpu() - t, performance.now() - w];
t = cpu(); w = performance.now();
const prepared = images.map((img) => colocPrepare(img, meta.width, meta.height));
const tPrep = [cpu() - t, performance.now() - w];
t = cpu(); w = performance.now();
const m = cosineMatrix(prepared);
const tCos = [cpu() - t, performance.now() - w];
let above = 0;
for (let i = 0; i < m.length; i++) if (m[i] >= 0.3) above++;
console.log(`colocalization: images ${tImg.map((x) => x.toFixed(0)).join('/')} ms (cpu/wall), prepare ${tPrep.map((x) => x.toFixed(0)).join('/')} ms, cosine ${tCos.map((x) => x.toFixed(0)).join('/')} ms; total ${(tImg[0] + tPrep[0] + tCos[0]).toFixed(0)} ms cpu; ${above} of ${m.length} scores ≥ 0.3`);

t = cpu(); w = performance.now();
const cols = await principalColumns(meta.segments, read, geometry, mzs, 3);
const tCols = [cpu() - t, performance.now() - w];
{
  const step = <T>(what: string, f: () => T): T => { const c = cpu(); const r = f(); console.log(`  ${what}: ${(cpu() - c).toFixed(0)} ms cpu`); return r; };
  const pre = step('preprocess', () => preprocessColumns(cols));
  const cov = step('covariance', () => covariance(pre));
  step('eigen', () => symmetricEigen(cov, pre.length));
  const pc = step('pca (covariance + eigen + scores)', () => pcaScores(pre, 20));
  for (const k of [2, 5, 10]) step(`kmeans k=${k}`, () => kmeans(pc.scores, cols[0].length, pc.dims, k, 1));
}
for (const k of [2, 5, 10]) {
  t = cpu(); w = performance.now();
  const s = segmentPixels(cols, mask, k);
  console.log(`segmentation k=${k}: columns ${tCols.map((x) => x.toFixed(0)).join('/')} ms, segment ${(cpu() - t).toFixed(0)}/${(performance.now() - w).toFixed(0)} ms (cpu/wall), ${s.components} components (${(s.explained * 100).toFixed(0)} %), counts ${[...s.counts].join(',')}`);
}
