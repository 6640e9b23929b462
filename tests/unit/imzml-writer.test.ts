import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { Sha1, sha1Hex } from '../../src/core/imzml/sha1.ts';
import { writeImzmlToMemory } from '../../src/core/imzml/writer.ts';
import { parseImzml } from '../../src/core/imzml/parse.ts';
import { forEachSpectrum } from '../../src/core/imzml/spectra.ts';
import { BytesSource } from '../../src/core/imzml/bytes-source.ts';

describe('sha1', () => {
  it('matches FIPS 180 test vectors', () => {
    expect(sha1Hex(new TextEncoder().encode('abc'))).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(sha1Hex(new Uint8Array(0))).toBe('da39a3ee5e6b4b0d3255bfef95601890afd80709');
    expect(sha1Hex(new TextEncoder().encode('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'))).toBe('84983e441c3bd26ebaae4aa1f95129e5e54670f1');
  });
  it('agrees with node:crypto for odd-sized incremental updates', () => {
    const data = new Uint8Array(100_003);
    for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 24;
    const h = new Sha1();
    for (let o = 0; o < data.length; ) { const k = Math.min(1 + ((o * 7) % 131), data.length - o); h.update(data.subarray(o, o + k)); o += k; }
    expect(h.hex()).toBe(createHash('sha1').update(data).digest('hex'));
  });
});

function spectra(n: number, w: number) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const len = 1 + (i % 5);
    const mz = Array.from({ length: len }, (_, j) => 100 + j * 1.5 + i * 0.001);
    const intensity = Array.from({ length: len }, (_, j) => (j === 1 ? 0 : 10 * (i + 1) + j));
    out.push({ x: 1 + (i % w), y: 1 + Math.floor(i / w), mz, intensity });
  }
  return out;
}

describe('ImzmlWriter round trip', () => {
  for (const mode of ['processed', 'continuous'] as const) {
    for (const [mzType, intensityType] of [['f32', 'f32'], ['f64', 'f32'], ['f64', 'f64'], ['f32', 'f64']] as const) {
      it(`${mode} ${mzType}/${intensityType}`, async () => {
        const axis = [100.25, 200.5, 300.125, 400.0625];
        const sp = spectra(7, 3).map((s) => (mode === 'continuous' ? { ...s, mz: null, intensity: axis.map((_, j) => s.x * 10 + j) } : s));
        const uuid = '0123456789abcdef0123456789ABCDEF';
        const out = await writeImzmlToMemory({ mode, mzType, intensityType, continuousMz: axis, spectrumType: 'profile', polarity: 'negative', pixelSize: { x: 25, y: 30 }, uuid, instrument: 'Test <TOF>' }, sp);
        expect(out.sha1).toBe(createHash('sha1').update(out.ibd).digest('hex'));
        expect(Array.from(out.ibd.subarray(0, 16), (b) => b.toString(16).padStart(2, '0')).join('')).toBe(uuid.toLowerCase());
        const idx = await parseImzml(new BytesSource('t.imzML', out.imzml), { chunkBytes: 97 });
        expect(idx.nSpectra).toBe(7);
        expect(idx.storageMode).toBe(mode);
        expect(idx.storageModeLabel).toBe(mode);
        expect(idx.mzDataType).toBe(mzType);
        expect(idx.intensityDataType).toBe(intensityType);
        expect(idx.polarity).toBe('negative');
        expect(idx.spectrumType).toBe('profile');
        expect(idx.pixelSizeX).toBe(25);
        expect(idx.pixelSizeY).toBe(30);
        expect(idx.instrument).toBe('Test <TOF>');
        expect(idx.uuid).toBe(uuid.toLowerCase());
        expect(idx.sha1).toBe(out.sha1);
        expect(idx.maxCountX).toBe(3);
        expect(idx.maxCountY).toBe(3);
        expect(idx.warnings).toEqual([]);
        const seen: number[] = [];
        await forEachSpectrum(idx, new BytesSource('t.ibd', out.ibd), (i, mz, inten) => {
          seen.push(i);
          expect(idx.x[i]).toBe(sp[i].x);
          expect(idx.y[i]).toBe(sp[i].y);
          const wantMz = mode === 'continuous' ? axis : sp[i].mz!;
          const r = (t: string, v: number) => (t === 'f32' ? Math.fround(v) : v);
          expect(Array.from(mz)).toEqual(wantMz.map((v) => r(mzType, v)));
          expect(Array.from(inten)).toEqual(sp[i].intensity.map((v) => r(intensityType, v)));
        }, { batchBytes: 40 });
        expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6]);
      });
    }
  }
});
