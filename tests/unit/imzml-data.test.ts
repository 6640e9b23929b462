// Every real imzML/ibd pair in ../shared/data: header facts against SOURCES.md, decoded values against the
// independently decoded Python fixture (tests/fixtures/imzml/reference.json), segments against a plain re-sort.
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parseImzml } from '../../src/core/imzml/parse.ts';
import type { ImzmlIndex } from '../../src/core/imzml/parse.ts';
import { forEachSpectrum } from '../../src/core/imzml/spectra.ts';
import { loadDataset, computeGeometry } from '../../src/core/imzml/ingest.ts';
import { NodeFileSource } from '../../src/platform/node/file-source.ts';
import { REPO_ROOT, sharedPath } from '../fixtures/imzml/shared.ts';

type Ref = {
  nSpectra: number; modeLabel: string | null; mzType: string; intensityType: string;
  minX: number; maxX: number; minY: number; maxY: number; distinctPixels: number;
  nonzeroPeaks: number; nonzeroIntensitySum: number; mzMin: number | null; mzMax: number | null;
  firstLengthMismatch: number | null;
  samples: { index: number; x: number; y: number; length: number; mzHead: number[]; mzLast: number | null; intHead: number[]; intLast: number | null }[];
};
const reference: Record<string, Ref> = JSON.parse(readFileSync(path.join(REPO_ROOT, 'tests/fixtures/imzml/reference.json'), 'utf8'));

/** The summary table of SOURCES.md (section 1), one row per imzML. */
function sourcesTable(): Map<string, Record<string, string>> {
  const md = readFileSync(sharedPath('data', 'SOURCES.md'), 'utf8');
  const lines = md.split('\n');
  const start = lines.findIndex((l) => l.startsWith('| dataset (folder/file)'));
  const header = lines[start].split('|').slice(1, -1).map((s) => s.trim());
  const rows = new Map<string, Record<string, string>>();
  for (let i = start + 2; i < lines.length && lines[i].startsWith('|'); i++) {
    const cells = lines[i].split('|').slice(1, -1).map((s) => s.trim());
    const row: Record<string, string> = {};
    header.forEach((h, k) => (row[h] = cells[k]));
    rows.set(cells[0].replace(/`/g, ''), row);
  }
  return rows;
}

const DT: Record<string, string> = { float32: 'f32', float64: 'f64' };
const dataDir = sharedPath('data');
const table = sourcesTable();

function ibdFor(imzmlRel: string): string {
  const dir = path.join(dataDir, path.dirname(imzmlRel));
  const stem = path.basename(imzmlRel).replace(/\.imzml$/i, '').toLowerCase();
  const f = readdirSync(dir).find((n) => n.toLowerCase() === `${stem}.ibd`);
  if (!f) throw new Error(`no ibd for ${imzmlRel}`);
  return path.join(dir, f);
}

describe('real datasets in ../shared/data', () => {
  it('the reference fixture and SOURCES.md list the same 22 pairs', () => {
    expect(Object.keys(reference).length).toBe(22);
    expect([...table.keys()].sort()).toEqual(Object.keys(reference).sort());
  });

  for (const rel of Object.keys(reference)) {
    describe(rel, () => {
      let imzml: NodeFileSource, ibd: NodeFileSource, index: ImzmlIndex;
      const ref = reference[rel];
      beforeAll(async () => {
        imzml = await NodeFileSource.open(path.join(dataDir, rel));
        ibd = await NodeFileSource.open(ibdFor(rel));
        index = await parseImzml(imzml, { chunkBytes: 4096 });
      });
      afterAll(async () => { await imzml?.close(); await ibd?.close(); });

      it('header facts match SOURCES.md', () => {
        const row = table.get(rel)!;
        expect(index.nSpectra).toBe(Number(row.spectra));
        expect(index.storageMode).toBe(row.mode.split(' ')[0]);
        expect(index.mzDataType).toBe(DT[row['m/z dtype']]);
        expect(index.intensityDataType).toBe(DT[row['intensity dtype']]);
        const grid = /^(\d+)×(\d+)$/.exec(row['grid (max px x × y)']);
        if (grid) {
          expect(index.maxCountX).toBe(Number(grid[1]));
          expect(index.maxCountY).toBe(Number(grid[2]));
        } else {
          expect(index.maxCountX).toBeNull();
        }
        const cp = row['centroid/profile'];
        expect(index.spectrumType).toBe(cp === 'centroid' || cp === 'profile' ? cp : null);
        const pol = row.polarity;
        expect(index.polarity).toBe(pol.startsWith('positive') ? 'positive' : pol.startsWith('negative') ? 'negative' : null);
        expect(index.mzCompression).toBe('none');
      });

      it('spectrum index and decoded values match the Python struct decode', async () => {
        expect(index.nSpectra).toBe(ref.nSpectra);
        expect(index.mzDataType).toBe(ref.mzType);
        expect(index.intensityDataType).toBe(ref.intensityType);
        const picks = ref.samples.map((s) => s.index);
        const got = new Map<number, { mz: number[]; it: number[] }>();
        await forEachSpectrum(index, ibd, (i, mz, it) => got.set(i, { mz: Array.from(mz), it: Array.from(it) }), { only: picks });
        for (const s of ref.samples) {
          expect(index.x[s.index]).toBe(s.x);
          expect(index.y[s.index]).toBe(s.y);
          const g = got.get(s.index)!;
          expect(g.mz.length).toBe(s.length);
          expect(g.mz.slice(0, 3)).toEqual(s.mzHead);
          expect(g.it.slice(0, 3)).toEqual(s.intHead);
          expect(g.mz[g.mz.length - 1]).toBe(s.mzLast);
          expect(g.it[g.it.length - 1]).toBe(s.intLast);
        }
      });

      it('segments hold exactly the non-zero peaks, sorted stably by m/z', async () => {
        if (ref.firstLengthMismatch !== null) {
          // METASPACE rejects such files too ("Incomplete .ibd file"); we name the spectrum.
          await expect(loadDataset(imzml, ibd)).rejects.toThrow(new RegExp(`spectrum ${ref.firstLengthMismatch} .*m/z values but .*intensities`));
          return;
        }
        const { meta, mask, tic, store } = await loadDataset(imzml, ibd, { targetSegmentBytes: 16 * 1024 });
        const geo = computeGeometry(index);
        expect(meta.width).toBe(ref.maxX - ref.minX + 1);
        expect(meta.height).toBe(ref.maxY - ref.minY + 1);
        expect(meta.minX).toBe(ref.minX);
        expect(meta.minY).toBe(ref.minY);
        expect(meta.nSamplePixels).toBe(ref.distinctPixels);
        expect(mask.reduce((a, b) => a + b, 0)).toBe(ref.distinctPixels);
        expect(meta.totalPeaks).toBe(ref.nonzeroPeaks);
        if (ref.nonzeroPeaks) {
          expect(meta.mzMin).toBe(ref.mzMin);
          expect(meta.mzMax).toBe(ref.mzMax);
        }
        // Expected: all non-zero peaks in file order, then a stable comparison sort by m/z.
        const triples: { mz: number; it: number; px: number }[] = [];
        await forEachSpectrum(index, ibd, (i, mz, it) => {
          for (let j = 0; j < mz.length; j++) if (it[j] > 0) triples.push({ mz: mz[j], it: Math.fround(it[j]), px: geo.pixelOfSpectrum[i] });
        });
        triples.sort((a, b) => a.mz - b.mz);
        let k = 0;
        let isum = 0;
        let prevMax = -Infinity;
        for (const info of meta.segments) {
          const s = await store.getSegment(meta.id, info.index);
          expect(s.mz.length).toBe(info.nPeaks);
          expect(info.mzMin).toBe(s.mz[0]);
          expect(info.mzMax).toBe(s.mz[s.mz.length - 1]);
          expect(info.mzMin).toBeGreaterThanOrEqual(prevMax);
          prevMax = info.mzMax;
          for (let j = 0; j < s.mz.length; j++, k++) {
            const t = triples[k];
            if (s.mz[j] !== t.mz || s.intensity[j] !== t.it || s.pixel[j] !== t.px) {
              throw new Error(`segment ${info.index} peak ${j}: got (${s.mz[j]}, ${s.intensity[j]}, ${s.pixel[j]}), want (${t.mz}, ${t.it}, ${t.px})`);
            }
            isum += s.intensity[j];
          }
        }
        expect(k).toBe(ref.nonzeroPeaks);
        expect(isum).toBeCloseTo(ref.nonzeroIntensitySum, -Math.log10(Math.max(1, ref.nonzeroIntensitySum) * 1e-6));
        // TIC image sums to the same total.
        expect(tic.reduce((a, b) => a + b, 0) / Math.max(1, ref.nonzeroIntensitySum)).toBeCloseTo(ref.nonzeroIntensitySum / Math.max(1, ref.nonzeroIntensitySum), 5);
      });
    });
  }
});

describe('annotate fixture', () => {
  it('loads with loadDataset: 1,185 spectra on a 40×30 grid', async () => {
    const imzml = await NodeFileSource.open(sharedPath('fixtures', 'annotate', 'fixture.imzML'));
    const ibd = await NodeFileSource.open(sharedPath('fixtures', 'annotate', 'fixture.ibd'));
    try {
      const { meta, mask } = await loadDataset(imzml, ibd);
      expect(meta.nSpectra).toBe(1185);
      expect(meta.width).toBe(40);
      expect(meta.height).toBe(30);
      expect(mask.length).toBe(1200);
      expect(meta.segments.length).toBeGreaterThan(0);
    } finally {
      await imzml.close();
      await ibd.close();
    }
  });
});
