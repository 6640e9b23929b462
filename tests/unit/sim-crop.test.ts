import { describe, it, expect } from 'vitest';
import { BytesSource } from '../../src/core/imzml/bytes-source.ts';
import { MemorySink, writeImzmlToMemory } from '../../src/core/imzml/writer.ts';
import { parseImzml, type ImzmlIndex } from '../../src/core/imzml/parse.ts';
import { cropDataset, parseRange, selectSpectra } from '../../src/core/sim/crop.ts';

// Hand-made source: 5×4 grid, spectrum at (x, y) has peaks m/z 100·k + x + y/10 (k = 1..5), intensity k·x.
function spectrum(x: number, y: number) {
  const mz = [1, 2, 3, 4, 5].map((k) => 100 * k + x + y / 10);
  return { x, y, mz, intensity: [1, 2, 3, 4, 5].map((k) => k * x) };
}
const SPECTRA = [] as ReturnType<typeof spectrum>[];
for (let y = 1; y <= 4; y++) for (let x = 1; x <= 5; x++) if (!(x === 3 && y === 2)) SPECTRA.push(spectrum(x, y));

function read(index: ImzmlIndex, ibd: Uint8Array, i: number) {
  const n = index.mzLength[i]!;
  return {
    mz: Array.from(new Float64Array(ibd.slice(index.mzOffset[i]!, index.mzOffset[i]! + 8 * n).buffer)),
    int: Array.from(new Float32Array(ibd.slice(index.intensityOffset[i]!, index.intensityOffset[i]! + 4 * n).buffer)),
  };
}

describe('crop', () => {
  it('keeps exactly the spectra in the box and the peaks in the m/z range, with metadata', async () => {
    const src = await writeImzmlToMemory({ mode: 'processed', polarity: 'positive', pixelSize: { x: 7, y: 7 } }, SPECTRA);
    const index = await parseImzml(new BytesSource('src.imzML', src.imzml));
    const ibd = new MemorySink(), imzml = new MemorySink();
    const r = await cropDataset(index, new BytesSource('src.ibd', src.ibd), { ibd, imzml }, { x: [2, 4], y: [2, 3], mz: [250, 450] });
    const out = await parseImzml(new BytesSource('out.imzML', imzml.bytes()));
    // box 2..4 × 2..3 holds 6 pixels, minus the missing (3, 2)
    expect(r.nSpectra).toBe(5);
    expect(Array.from(out.x)).toEqual([2, 4, 2, 3, 4]);
    expect(Array.from(out.y)).toEqual([2, 2, 3, 3, 3]);
    expect(out.polarity).toBe('positive');
    expect(out.pixelSizeX).toBe(7);
    expect(out.storageMode).toBe('processed');
    const bytes = ibd.bytes();
    for (let i = 0; i < out.nSpectra; i++) {
      const s = read(out, bytes, i);
      const x = out.x[i]!, y = out.y[i]!;
      // k = 3, 4 fall in 250..450 (300 + x + y/10, 400 + x + y/10)
      expect(s.mz).toEqual([300 + x + y / 10, 400 + x + y / 10]);
      expect(s.int).toEqual([3 * x, 4 * x]);
    }
    expect(r.peaks).toBe(10);
  });

  it('without an m/z range copies whole spectra; empty boxes and bad ranges are explained', async () => {
    const src = await writeImzmlToMemory({ mode: 'processed' }, SPECTRA);
    const index = await parseImzml(new BytesSource('src.imzML', src.imzml));
    expect(Array.from(selectSpectra(index, { y: [4, 4] })).length).toBe(5);
    const ibd = new MemorySink(), imzml = new MemorySink();
    const r = await cropDataset(index, new BytesSource('src.ibd', src.ibd), { ibd, imzml }, { y: [4, 4] });
    expect(r.peaks).toBe(25);
    await expect(cropDataset(index, new BytesSource('src.ibd', src.ibd), { ibd, imzml }, { x: [9, 12] })).rejects.toThrow(/no spectrum of src\.imzML lies in x 9\.\.12/);
    expect(parseRange('10:20', '--x')).toEqual([10, 20]);
    expect(() => parseRange('20:10', '--x')).toThrow(/--x must be a range/);
  });
});
