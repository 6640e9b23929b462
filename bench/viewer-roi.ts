// ROI statistics and differential on the bench's 100k-pixel dataset (not part of `npm run bench`): the work the
// analysis worker does for the ROI panel, on the main thread of one Node process, timed in CPU and wall time.
// 200 principal-peak images (the 60 planted ions' m/z and 140 more spread over the m/z range), three ROIs
// (a 100×100 rectangle, a polygon, a 'pixels' ROI of every 7th sample pixel), and A-vs-rest.
// Usage: node --import tsx bench/viewer-roi.ts [imzML] [dataset cache dir] (ingests the dataset into the cache dir once, ~700 MB)
import fs from 'node:fs';
import { ionImagesOf, segmentsForWindows } from '../src/core/analysis/ion-images.ts';
import { differential, restPixels, roiPixels, roiStats } from '../src/core/analysis/roi.ts';
import type { RoiShape } from '../src/core/analysis/roi-types.ts';
import type { Segment } from '../src/core/types.ts';
import { openDataset } from '../src/platform/node/dataset-cache.ts';

const IMZML = process.argv[2] ?? '/work/benchdata/interactive/sim-472.imzML';
const ROOT = process.argv[3] ?? '/tmp/imzlens-viewer-roi-bench';
const N_IMAGES = 200;
const PPM = 3;

function timed<T>(f: () => T): { value: T; cpuMs: number; wallMs: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = f();
  const c = process.cpuUsage(c0);
  return { value, cpuMs: (c.user + c.system) / 1000, wallMs: performance.now() - t0 };
}

const ds = await openDataset({ imzml: IMZML, ibd: null, name: 'sim-472', root: ROOT, useCache: true });
const { meta, mask } = ds;
const truth = fs.readFileSync(IMZML.replace(/\.imzML$/, '.truth.csv'), 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[3]));
const mzs = [...truth];
for (let k = 0; mzs.length < N_IMAGES; k++) mzs.push(meta.mzMin + ((k + 0.5) / (N_IMAGES - truth.length)) * (meta.mzMax - meta.mzMin));

const ids = segmentsForWindows(meta.segments, mzs, PPM);
const segments: Segment[] = [];
for (const i of ids) segments.push(await ds.store.getSegment(meta.id, i));

const w = meta.width, h = meta.height;
const shapes: RoiShape[] = [
  { kind: 'rect', x: Math.floor(w / 2) - 50, y: Math.floor(h / 2) - 50, w: 100, h: 100 },
  { kind: 'polygon', points: [w * 0.1, h * 0.1, w * 0.45, h * 0.15, w * 0.4, h * 0.5, w * 0.15, h * 0.4] },
];
const every7: number[] = [];
for (let i = 0; i < mask.length; i += 7) if (mask[i]) every7.push(i);
shapes.push({ kind: 'pixels', indices: Uint32Array.from(every7) });
const member = timed(() => shapes.map((s) => roiPixels(s, w, h, mask)));
const groups = member.value;
const rest = restPixels(groups[0], mask);

const geometry = { width: w, height: h, mask };
let imgCpu = 0, imgWall = 0, statCpu = 0, statWall = 0, diffCpu = 0, diffWall = 0;
for (let k0 = 0; k0 < mzs.length; k0 += 16) {
  const imgs = timed(() => ionImagesOf(segments, geometry, mzs.slice(k0, k0 + 16), PPM));
  imgCpu += imgs.cpuMs; imgWall += imgs.wallMs;
  for (const img of imgs.value) {
    const s = timed(() => groups.map((g) => roiStats(img, g)));
    statCpu += s.cpuMs; statWall += s.wallMs;
    const d = timed(() => differential(img, groups[0], rest));
    diffCpu += d.cpuMs; diffWall += d.wallMs;
  }
}
const f = (x: number) => `${(x / 1000).toFixed(2)} s`;
console.log(`dataset ${meta.width}×${meta.height}, ${meta.nSamplePixels} sample pixels; ROIs ${groups.map((g) => g.length).join(' / ')} px, rest ${rest.length} px; ${mzs.length} images; load ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log(`membership of the 3 ROIs: ${member.cpuMs.toFixed(0)} ms CPU`);
console.log(`principal-peak images (${segments.length} segments): CPU ${f(imgCpu)}, wall ${f(imgWall)}`);
console.log(`stats of 3 ROIs × ${mzs.length} images: CPU ${f(statCpu)}, wall ${f(statWall)}`);
console.log(`differential ROI 1 vs rest × ${mzs.length} images: CPU ${f(diffCpu)}, wall ${f(diffWall)}`);
