// PNGs of the first isotope image of each annotation up to an FDR level (viridis, METASPACE's 99th-percentile
// hot-spot clipping, off-sample pixels transparent), for `imzlens annotate` unless --no-output.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encode } from 'fast-png';
import type { Segment } from '../core/types.ts';
import type { JobResult } from '../core/job/result.ts';
import type { SegmentStore } from '../core/store.ts';
import type { DatasetMeta } from '../core/types.ts';
import { ionImage } from '../core/score/images.ts';
import { defaultRange, toDisplay } from '../core/view/scale.ts';
import { applyLut, colormapLut } from '../core/view/colormap.ts';

export async function writeIonImagePngs(ds: { store: SegmentStore; meta: DatasetMeta; mask: Uint8Array }, result: JobResult, dir: string, maxFdr: number): Promise<number> {
  const rows = result.rows.filter((r) => r.fdr <= maxFdr);
  if (!rows.length) return 0;
  await mkdir(dir, { recursive: true });
  const { meta, mask } = ds;
  const cache = new Map<number, Segment>();
  const segmentsFor = async (lo: number, hi: number): Promise<Segment[]> => {
    const out: Segment[] = [];
    for (const info of meta.segments) {
      if (info.mzMax < lo || info.mzMin > hi) continue;
      let s = cache.get(info.index);
      if (!s) {
        if (cache.size > 8) cache.clear(); // bounded memory on big datasets
        s = await ds.store.getSegment(meta.id, info.index);
        cache.set(info.index, s);
      }
      out.push(s);
    }
    return out;
  };
  const lut = colormapLut('viridis');
  const ppm = result.params.ppm;
  const used = new Set<string>();
  for (const r of rows) {
    const d = r.mz * ppm * 1e-6;
    const img = ionImage(await segmentsFor(r.mz - d, r.mz + d), { width: meta.width, height: meta.height, mask }, r.mz, ppm);
    const range = defaultRange(img, mask, 'linear');
    const rgba = applyLut(toDisplay(img, mask, 'linear', range), lut);
    let name = `${r.formula}${r.chemMod}${r.neutralLoss}${r.adduct}`.replace(/[^A-Za-z0-9+\-_.]/g, '_') || 'ion';
    if (used.has(name)) name = `${name}_${r.database.replace(/[^A-Za-z0-9]/g, '_')}`;
    used.add(name);
    await writeFile(join(dir, `${name}.png`), encode({ width: meta.width, height: meta.height, data: rgba, channels: 4, depth: 8 }));
  }
  return rows.length;
}
