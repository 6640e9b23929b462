import { describe, it, expect, beforeAll } from 'vitest';
import { createHash } from 'node:crypto';
import { ionCentroids } from '../../src/core/chem/centroids.ts';
import { generateIonFormula } from '../../src/core/chem/ions.ts';
import { BytesSource } from '../../src/core/imzml/bytes-source.ts';
import { MemorySink } from '../../src/core/imzml/writer.ts';
import { parseImzml } from '../../src/core/imzml/parse.ts';
import { loadDataset } from '../../src/core/imzml/ingest.ts';
import { planSimulation, SpectrumGenerator, simulateSpectra, type SimOptions, type SimPlan } from '../../src/core/sim/simulate.ts';
import { writeSimulation, type SimWriteResult } from '../../src/core/sim/write.ts';
import { evalPattern, PRESENCE_THRESHOLD } from '../../src/core/sim/spatial.ts';
import { tissueMask } from '../../src/core/sim/mask.ts';
import { Rng } from '../../src/core/sim/rng.ts';
import { parseTruthCsv } from '../../src/core/sim/recall.ts';

// Common metabolite / lipid formulas (hand list, so the test needs no external database).
const FORMULAS = [
  'C6H12O6', 'C5H9NO4', 'C3H7NO2', 'C9H11NO2', 'C6H14N4O2', 'C5H5N5', 'C10H16N5O13P3', 'C10H14N5O7P', 'C4H6O5',
  'C6H8O7', 'C16H32O2', 'C18H34O2', 'C18H36O2', 'C20H32O2', 'C27H46O', 'C42H82NO8P', 'C40H80NO8P', 'C44H84NO8P',
  'C39H76NO8P', 'C41H78NO8P', 'C24H50NO7P', 'C26H54NO7P', 'C5H11NO2S', 'C11H12N2O2', 'C9H11NO3', 'C4H8N2O3',
  'C5H10N2O3', 'C6H9N3O2', 'C3H7NO3', 'C4H7NO4', 'C2H5NO2', 'C6H13NO2', 'C5H11NO2', 'C9H13N3O5', 'C10H13N5O4',
  'C10H13N5O5', 'C9H12N2O6', 'C21H27N7O14P2', 'C23H45NO4', 'C34H68NO8P', 'C37H72O5', 'C39H74O6', 'C35H68O5',
  'C51H98O6', 'C53H102O6', 'C55H98O6', 'C18H37NO2', 'C17H35NO2', 'C7H15NO3', 'C5H14NO', 'C8H10N4O2', 'C7H8N4O2',
];

const BASE: SimOptions = {
  width: 36, height: 28, seed: 11, formulas: FORMULAS, nTrue: 12, adducts: ['+H', '+Na', '+K'], polarity: '+',
  sigma: 0.000619, noisePeaks: 60, mzRange: [100, 1000], centroids: ionCentroids, backgroundPeaks: 8,
};

async function write(plan: SimPlan): Promise<SimWriteResult & { imzml: Uint8Array; ibd: Uint8Array }> {
  const ibd = new MemorySink();
  const imzml = new MemorySink();
  const r = await writeSimulation(plan, { ibd, imzml });
  return { ...r, imzml: imzml.bytes(), ibd: ibd.bytes() };
}

/** Spectra read back from the ibd through the parsed index (independent of the simulator's buffers). */
function readSpectra(index: Awaited<ReturnType<typeof parseImzml>>, ibd: Uint8Array) {
  const out: { x: number; y: number; mz: Float64Array; int: Float32Array }[] = [];
  for (let i = 0; i < index.nSpectra; i++) {
    const n = index.mzLength[i]!;
    const mz = new Float64Array(ibd.slice(index.mzOffset[i]!, index.mzOffset[i]! + n * 8).buffer);
    const int = new Float32Array(ibd.slice(index.intensityOffset[i]!, index.intensityOffset[i]! + n * 4).buffer);
    out.push({ x: index.x[i]!, y: index.y[i]!, mz, int });
  }
  return out;
}

describe('rng', () => {
  it('is deterministic by seed and stream, and streams differ', () => {
    const a = new Rng(5, 1, 2), b = new Rng(5, 1, 2), c = new Rng(5, 1, 3);
    const sa = Array.from({ length: 8 }, () => a.nextU32());
    expect(Array.from({ length: 8 }, () => b.nextU32())).toEqual(sa);
    expect(Array.from({ length: 8 }, () => c.nextU32())).not.toEqual(sa);
  });
  it('fastNormal has mean 0, sd 1 and normal tail mass', () => {
    const r = new Rng(3);
    let s = 0, s2 = 0, in1 = 0, in2 = 0;
    const n = 400_000;
    for (let i = 0; i < n; i++) {
      const x = r.fastNormal();
      s += x; s2 += x * x;
      if (Math.abs(x) < 1) in1++;
      if (Math.abs(x) < 2) in2++;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.01);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.01);
    expect(in1 / n).toBeCloseTo(0.6827, 2); // Φ(1) − Φ(−1)
    expect(in2 / n).toBeCloseTo(0.9545, 2);
  });
  it('uniform next() covers [0,1) evenly', () => {
    const r = new Rng(9);
    const bins = new Array(10).fill(0);
    for (let i = 0; i < 100_000; i++) bins[Math.floor(r.next() * 10)]++;
    for (const b of bins) expect(Math.abs(b - 10_000)).toBeLessThan(500);
  });
});

describe('tissue mask', () => {
  it('is irregular, leaves an off-tissue margin and depends on the seed', () => {
    const m = tissueMask(64, 48, 1);
    expect(m.nTissue).toBeGreaterThan(0.25 * 64 * 48);
    expect(m.nTissue).toBeLessThan(0.9 * 64 * 48);
    for (let x = 0; x < 64; x++) { expect(m.mask[x]).toBe(0); expect(m.mask[47 * 64 + x]).toBe(0); }
    expect(tissueMask(64, 48, 2).mask).not.toEqual(m.mask);
    expect(tissueMask(64, 48, 1).mask).toEqual(m.mask);
  });
});

describe('simulator', () => {
  let plan: SimPlan;
  let res: Awaited<ReturnType<typeof write>>;
  beforeAll(async () => {
    plan = planSimulation(BASE);
    res = await write(plan);
  });

  it('is deterministic: same seed → same SHA-1 and bytes, another seed → another dataset', async () => {
    const again = await write(planSimulation(BASE));
    expect(again.sha1).toBe(res.sha1);
    expect(again.imzml).toEqual(res.imzml);
    const other = await write(planSimulation({ ...BASE, seed: 12 }));
    expect(other.sha1).not.toBe(res.sha1);
  });

  it('writes a valid processed/centroid imzML whose uuid and SHA-1 match the ibd', async () => {
    const index = await parseImzml(new BytesSource('sim.imzML', res.imzml));
    expect(index.storageMode).toBe('processed');
    expect(index.mzDataType).toBe('f64');
    expect(index.intensityDataType).toBe('f32');
    expect(index.spectrumType).toBe('centroid');
    expect(index.polarity).toBe('positive');
    expect(index.nSpectra).toBe(plan.nTissue);
    expect(index.sha1).toBe(createHash('sha1').update(res.ibd).digest('hex'));
    expect(index.uuid).toMatch(/^[0-9a-f]{32}$/);
    expect(Buffer.from(res.ibd.subarray(0, 16)).toString('hex')).toBe(index.uuid);
    // spectra exactly on the tissue pixels
    for (let i = 0; i < index.nSpectra; i++) expect(plan.mask[(index.y[i]! - 1) * plan.width + index.x[i]! - 1]).toBe(1);
  });

  it('round-trips through loadDataset: geometry, mask and peak count', async () => {
    const { meta, mask } = await loadDataset(new BytesSource('sim.imzML', res.imzml), new BytesSource('sim.ibd', res.ibd));
    expect(meta.nSamplePixels).toBe(plan.nTissue);
    expect(meta.totalPeaks).toBe(res.stats.nPeaks);
    let n = 0;
    for (let y = 0; y < meta.height; y++) {
      for (let x = 0; x < meta.width; x++) {
        const v = plan.mask[(y + meta.minY - 1) * plan.width + x + meta.minX - 1];
        expect(mask[y * meta.width + x]).toBe(v);
        n += v!;
      }
    }
    expect(n).toBe(plan.nTissue);
  });

  it('puts each planted isotope peak at the right m/z in the right pixels, sorted, within a few ppm', async () => {
    const index = await parseImzml(new BytesSource('sim.imzML', res.imzml));
    const spectra = readSpectra(index, res.ibd);
    const find = (mz: Float64Array, target: number, ppm: number) => {
      for (let k = 0; k < mz.length; k++) if (Math.abs(mz[k]! - target) <= target * ppm * 1e-6) return k;
      return -1;
    };
    let sortedOk = true;
    for (const s of spectra) for (let k = 1; k < s.mz.length; k++) if (s.mz[k]! < s.mz[k - 1]!) sortedOk = false;
    expect(sortedOk).toBe(true);
    let strong = 0, strongHit = 0, within3 = 0, absent = 0, absentHit = 0;
    plan.planted.forEach((p, i) => {
      const principal = p.ints.indexOf(100);
      const target = p.mzs[principal]!;
      for (const s of spectra) {
        const v = evalPattern(plan.patterns, i, s.x - 0.5, s.y - 0.5);
        const k = find(s.mz, target, 4.01);
        if (v >= PRESENCE_THRESHOLD && v * p.scale >= 50) {
          strong++;
          if (k >= 0) {
            strongHit++;
            if (Math.abs(s.mz[k]! - target) <= target * 3e-6) within3++;
            // intensity = scale × pattern × log-normal(0.15) noise: within a factor e^(6·0.15) ≈ 2.5
            const ratio = s.int[k]! / (v * p.scale);
            expect(ratio).toBeGreaterThan(0.4);
            expect(ratio).toBeLessThan(2.5);
          }
        } else if (v < PRESENCE_THRESHOLD) {
          absent++;
          if (k >= 0 && s.int[k]! > 200) absentHit++; // random noise peaks (median 20) can land here, strong ones cannot
        }
      }
    });
    expect(strong).toBeGreaterThan(200);
    expect(strongHit).toBe(strong);
    expect(within3 / strong).toBeGreaterThan(0.99);
    expect(absent).toBeGreaterThan(200);
    expect(absentHit / absent).toBeLessThan(0.001);
  });

  it('adds K noise peaks and recurring background peaks to most pixels', async () => {
    const index = await parseImzml(new BytesSource('sim.imzML', res.imzml));
    const spectra = readSpectra(index, res.ibd);
    for (const s of spectra) expect(s.mz.length).toBeGreaterThanOrEqual(BASE.noisePeaks);
    for (let b = 0; b < plan.background.mz.length; b++) {
      const mz = plan.background.mz[b]!;
      const hits = spectra.filter((s) => s.mz.some((m) => Math.abs(m - mz) <= mz * 4e-6)).length;
      expect(hits / spectra.length).toBeGreaterThan(0.6); // presence 0.7..1 per pixel
    }
  });

  it('regenerates any pixel alone, identical to the stream', () => {
    const g = new SpectrumGenerator(plan);
    const stream = [...simulateSpectra(plan)].length; // generator reuses buffers: compare a few by regenerating
    expect(stream).toBe(plan.nTissue);
    const it = simulateSpectra(plan);
    let checked = 0;
    for (const s of it) {
      if (checked++ % 97) continue;
      const copy = { mz: s.mz.slice(), int: s.intensity.slice() };
      const n = g.generate((s.y - 1) * plan.width + s.x - 1);
      expect(g.mz.subarray(0, n)).toEqual(copy.mz);
      expect(g.intensity.subarray(0, n)).toEqual(copy.int);
    }
  });

  it('writes a ground truth that names the planted ions and the background', () => {
    const t = parseTruthCsv(res.truthCsv);
    expect(t.planted).toHaveLength(BASE.nTrue);
    expect(t.backgroundMz).toHaveLength(BASE.backgroundPeaks!);
    for (const p of t.planted) {
      expect(FORMULAS).toContain(p.formula);
      expect(BASE.adducts).toContain(p.adduct);
      expect(p.ionFormula).toBe(generateIonFormula(p.formula, '', '', p.adduct));
      expect(p.mz0).toBeCloseTo(ionCentroids(p.ionFormula, 1, BASE.sigma).mzs[0]!, 5);
    }
    expect(new Set(t.planted.map((p) => p.ionFormula)).size).toBe(BASE.nTrue);
  });

  it('can add sparse background spectra off tissue', async () => {
    const p = planSimulation({ ...BASE, offTissueSpectra: 0.3 });
    expect(p.nSpectra).toBeGreaterThan(p.nTissue);
    const r = await write(p);
    const index = await parseImzml(new BytesSource('sim.imzML', r.imzml));
    expect(index.nSpectra).toBe(p.nSpectra);
    const spectra = readSpectra(index, r.ibd);
    for (const s of spectra) {
      if (p.mask[(s.y - 1) * p.width + s.x - 1]) continue;
      for (const ion of p.planted) for (const mz of ion.mzs) expect(s.mz.some((m) => Math.abs(m - mz) <= mz * 4e-6 && s.int[s.mz.indexOf(m)]! > 200)).toBe(false);
    }
  });

  it('plants negative-mode ions with charge −1 centroids', async () => {
    const p = planSimulation({ ...BASE, width: 16, height: 12, nTrue: 5, polarity: '-', adducts: ['-H', '+Cl'] });
    const r = await write(p);
    const index = await parseImzml(new BytesSource('neg.imzML', r.imzml));
    expect(index.polarity).toBe('negative');
    for (const ion of p.planted) {
      expect(['-H', '+Cl']).toContain(ion.adduct);
      const c = ionCentroids(ion.ionFormula, -1, BASE.sigma);
      expect(ion.mzs[0]).toBe(c.mzs[0]);
      expect(ion.mzs[0]).not.toBeCloseTo(ionCentroids(ion.ionFormula, 1, BASE.sigma).mzs[0]!, 4); // 2 electron masses apart
    }
  });

  it('explains what is wrong when it cannot plant enough ions', () => {
    expect(() => planSimulation({ ...BASE, formulas: ['C6H12O6'], nTrue: 5 })).toThrow(/found only 3 of 5 plantable ions/);
    expect(() => planSimulation({ ...BASE, width: 0 })).toThrow(/width and height/);
  });
});
