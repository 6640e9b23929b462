// `imzlens info` and `imzlens ingest` on real pairs (ibd found by base name in any letter case).
import { describe, expect, it, vi, afterEach } from 'vitest';
import { mkdtempSync, rmSync, readdirSync, copyFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { run as info, findIbd } from '../../src/cli/info.ts';
import { run as ingest } from '../../src/cli/ingest.ts';
import { FileSegmentStore } from '../../src/platform/node/file-store.ts';
import { REPO_ROOT, sharedPath } from '../fixtures/imzml/shared.ts';

const reference = JSON.parse(readFileSync(path.join(REPO_ROOT, 'tests/fixtures/imzml/reference.json'), 'utf8'));

function capture() {
  let out = '', err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => { out += String(s); return true; });
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => { err += String(s); return true; });
  return { out: () => out, err: () => err };
}
afterEach(() => vi.restoreAllMocks());

describe('imzlens info', () => {
  it('--json reports the facts of pym2aia/test (ibd with a lower-case extension)', async () => {
    const file = sharedPath('data', 'pym2aia', 'test.imzML');
    const c = capture();
    expect(await info([file, '--json'])).toBe(0);
    const j = JSON.parse(c.out());
    const ref = reference['pym2aia/test.imzML'];
    expect(j.spectra).toBe(ref.nSpectra);
    expect(j.mode).toBe('continuous');
    expect([j.mzDataType, j.intensityDataType]).toEqual(['f64', 'f32']);
    expect(j.totalPeaks).toBe(ref.nonzeroPeaks);
    expect(j.mzRange).toEqual([ref.mzMin, ref.mzMax]);
    expect(j.grid.width).toBe(ref.maxX - ref.minX + 1);
  });

  it('finds an ibd whose extension differs in case, and says clearly when it is missing', async () => {
    const tmp = mkdtempSync(path.join(tmpdir(), 'imzlens-cli-'));
    try {
      copyFileSync(sharedPath('data', 'imzy', 'simple_imzml.imzML'), path.join(tmp, 'a.imzML'));
      const c = capture();
      expect(await info([path.join(tmp, 'a.imzML')])).toBe(1);
      expect(c.out()).toMatch(/ibd\s+MISSING/);
      expect(c.err()).toMatch(/ibd missing/);
      copyFileSync(sharedPath('data', 'imzy', 'simple_imzml.ibd'), path.join(tmp, 'a.IBD'));
      expect(findIbd(path.join(tmp, 'a.imzML'))).toBe(path.join(tmp, 'a.IBD'));
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe('imzlens ingest', () => {
  it('writes a committed on-disk dataset', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'imzlens-ing-'));
    try {
      const c = capture();
      expect(await ingest([sharedPath('data', 'pyimzml', 'Example_Continuous.imzML'), '--out', out, '--quiet'])).toBe(0);
      expect(c.out()).toMatch(/ingested Example_Continuous as 'Example_Continuous'.*9 spectra, 3 x 3 grid, 23370 peaks/);
      expect(readdirSync(out)).toEqual(['Example_Continuous']);
      const store = new FileSegmentStore(out);
      const meta = (await store.getMeta('Example_Continuous'))!;
      expect(meta.totalPeaks).toBe(reference['pyimzml/Example_Continuous.imzML'].nonzeroPeaks);
      expect(await store.listIncomplete()).toEqual([]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
