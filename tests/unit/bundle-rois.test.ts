// Result bundles and regions of interest: a bundle written with ROIs gives them back (all three shape kinds,
// pixel lists as typed arrays), a bundle written without them (as before ROIs existed) still opens with none,
// and a bad rois.json is refused with the entry and field named.
import { describe, expect, it } from 'vitest';
import { strFromU8, strToU8, unzipSync, zipSync, type Zippable } from 'fflate';
import type { Roi } from '../../src/core/analysis/roi-types.ts';
import { readBundle, writeBundle } from '../../src/core/bundle/index.ts';
import type { JobResult } from '../../src/core/job/result.ts';
import type { DatasetMeta } from '../../src/core/types.ts';

const W = 4;
const H = 3;
const meta: DatasetMeta = {
  id: 'ds1', name: 'rois', width: W, height: H, minX: 1, minY: 1, nSpectra: 12, nSamplePixels: 12, totalPeaks: 10,
  mzMin: 100, mzMax: 900, polarity: 'positive', spectrumType: 'centroid', pixelSizeX: null, pixelSizeY: null, instrument: null,
  segments: [], warnings: [], source: { imzml: 'a.imzML', ibd: 'a.ibd', ibdSize: 1, uuid: null }, createdAt: '2026-12-01T00:00:00.000Z',
};
const result: JobResult = {
  version: 1, datasetId: 'ds1', datasetName: 'rois',
  params: { databases: ['db'], adducts: ['+H'], neutralLosses: [], chemMods: [], polarity: '+', sigma: 0.000619, ppm: 3, decoys: 20, analysisVersion: 1 },
  createdAt: '2026-12-01T00:00:00.000Z', rows: [],
  stats: { stages: [], ionFormulas: 0, targets: 0, decoys: 0, scored: 0, annotatedAt10: 0, executor: 'inline', workers: 1 },
};
const rois: Roi[] = [
  { id: 'a', name: 'tumour edge', color: '#e6194b', shape: { kind: 'polygon', points: [0.5, 0.25, 3, 0, 2, 2.75] } },
  { id: 'b', name: 'box', color: '#3cb44b', shape: { kind: 'rect', x: 1, y: 0, w: 2, h: 3 } },
  { id: 'c', name: 'segment 1', color: '#4363d8', shape: { kind: 'pixels', indices: Uint32Array.from([0, 5, 11]) } },
];
const write = (extra: { rois?: Roi[] } = {}) => writeBundle({ result, meta, mask: new Uint8Array(W * H).fill(1), rows: [], getImages: async () => [], createdAt: result.createdAt, ...extra });

/** Rewrites one entry of a bundle (the manifest's sizes are not checked against entries by the reader). */
function withEntry(bytes: Uint8Array, name: string, text: string | null): Uint8Array {
  const files = unzipSync(bytes) as Zippable;
  if (text === null) delete files[name];
  else files[name] = strToU8(text);
  return zipSync(files);
}

describe('bundle rois', () => {
  it('round-trips the regions of interest of every shape kind', async () => {
    const b = await readBundle(await write({ rois }));
    expect(b.rois).toEqual(rois);
    expect(b.rois[2].shape.kind === 'pixels' && b.rois[2].shape.indices).toBeInstanceOf(Uint32Array);
  });

  it('a bundle without ROIs has no rois.json and opens with none (old bundles)', async () => {
    const bytes = await write();
    expect(Object.keys(unzipSync(bytes))).not.toContain('rois.json');
    expect((await readBundle(bytes)).rois).toEqual([]);
    // a bundle with ROIs, the entry removed: what a bundle written before ROIs existed looks like
    const old = withEntry(await write({ rois }), 'rois.json', null);
    const b = await readBundle(old);
    expect(b.rois).toEqual([]);
    expect(b.meta.id).toBe('ds1');
  });

  it('refuses a damaged rois.json, naming the field', async () => {
    const bytes = await write({ rois });
    const doc = JSON.parse(strFromU8(unzipSync(bytes)['rois.json']));
    const bad = (f: (d: any) => void) => { const d = structuredClone(doc); f(d); return withEntry(bytes, 'rois.json', JSON.stringify(d)); };
    await expect(readBundle(bad((d) => { d.rois[2].shape.indices[1] = W * H; }))).rejects.toThrow(/rois\.json rois\[2\]\.shape\.indices\[1\]/);
    await expect(readBundle(bad((d) => { d.rois[0].shape.points.push(1); }))).rejects.toThrow(/rois\[0\]\.shape\.points/);
    await expect(readBundle(bad((d) => { d.rois[1].color = 'red;x'; }))).rejects.toThrow(/rois\[1\]\.color/);
    await expect(readBundle(bad((d) => { d.rois[1].shape.kind = 'circle'; }))).rejects.toThrow(/rois\[1\]\.shape\.kind/);
  });
});
