// Chaos as METASPACE computes it on real data (issue 16 point 6): on the 8-pixel spheroid cut, 11 of 534
// CoreMetabolome ion images get another chaos from METASPACE than from ims-cpp on the full 4×2 image (e.g.
// C61H107O6: 0.7833 on the full image, 0.75 in METASPACE), because chaos_metric cuts the image first.
// Reference values: ims-cpp measureOfChaos on the cut image (tests/fixtures/chaos/gen_chaos_compact.py).
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chaosGrid, chaosLines, metaspaceChaos } from '../../src/core/score/chaos-compact.ts';
import { chaosMetric } from '../../src/core/score/chaos.ts';
import { scoreIons } from '../../src/core/score/score-ions.ts';
import { REPO_ROOT } from '../helpers/shared.ts';

interface Case { name: string; width: number; height: number; pixels: number[]; values: number[]; chaos: number; chaosFullImage: number }
const fixture = JSON.parse(readFileSync(join(REPO_ROOT, 'tests/fixtures/chaos/metaspace-chaos-compact.json'), 'utf8')) as { cases: Case[] };

describe("METASPACE chaos_metric's cut of the image", () => {
  it('keeps lines within 2 of signal, only 2 back from signal in the last line, all when ≥ 90 % would stay', () => {
    const lines = (occ: number[]) => {
      const r = chaosLines(Uint8Array.from(occ), occ.length);
      return r ? Array.from(r) : null;
    };
    expect(lines([0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0])).toEqual([-1, -1, -1, 0, 1, 2, 3, 4, -1, -1, -1, -1]);
    // signal in the last line: line t-1 is not reached by the backward shift
    expect(lines([0, 0, 0, 0, 0, 0, 0, 0, 0, 1])).toEqual([-1, -1, -1, -1, -1, -1, -1, 0, -1, 1]);
    expect(lines([0, 1])).toEqual([-1, 0]);
    expect(lines([1, 0])).toBeNull(); // 2 of 2 kept
    expect(lines([1, 0, 0, 0, 0, 0, 0, 0, 0, 1])).toEqual([0, 1, 2, -1, -1, -1, -1, 3, -1, 4]);
    expect(lines([0, 0, 1, 0, 0, 0, 0, 0, 0, 0])).toEqual([0, 1, 2, 3, 4, -1, -1, -1, -1, -1]); // 5 of 10 < 90 %
  });

  it('equals ims-cpp on the cut image for every case of the fixture (real 4×2 spheroid images and random small grids)', () => {
    expect(fixture.cases.length).toBeGreaterThan(900);
    let differFromFull = 0;
    const wrong: string[] = [];
    for (const c of fixture.cases) {
      const got = metaspaceChaos(Int32Array.from(c.pixels), Float32Array.from(c.values), c.pixels.length, c.width, c.height, 30);
      if (got !== c.chaos) wrong.push(`${c.name}: ${got} vs ${c.chaos}`);
      if (c.chaos !== c.chaosFullImage) differFromFull++;
    }
    expect(wrong).toEqual([]);
    // the fixture does exercise the cut: some cases differ from the full-image value
    expect(differFromFull).toBeGreaterThanOrEqual(20);
  });

  it('the issue’s case: C61H107O6 is 0.75 (METASPACE), not the full image’s 0.7833', () => {
    const c = fixture.cases.find((x) => x.name === 'untreated_tiny C61H107O6')!;
    const dense = new Float32Array(c.width * c.height);
    c.pixels.forEach((p, k) => (dense[p] = c.values[k]));
    expect(chaosMetric(dense, c.width, c.height)).toBeCloseTo(0.78333, 4);
    expect(metaspaceChaos(Int32Array.from(c.pixels), Float32Array.from(c.values), c.pixels.length, c.width, c.height)).toBeCloseTo(0.75, 12);
    expect(chaosGrid(Int32Array.from(c.pixels), c.pixels.length, c.width, c.height)).toMatchObject({ width: 1, height: 4 });
  });

  it('the scorer gives METASPACE’s value: each fixture image as the principal-peak image of one target ion', () => {
    const wrong: string[] = [];
    for (const c of fixture.cases) {
      // one segment: the image's pixels as peaks at m/z 100 (the ion's only isotope), pixel order = m/z order
      const n = c.pixels.length;
      const segment = { mz: new Float64Array(n).fill(100), intensity: Float32Array.from(c.values), pixel: Uint32Array.from(c.pixels) };
      const geometry = { width: c.width, height: c.height, mask: new Uint8Array(c.width * c.height).fill(1) };
      const centroids = { n: 1, mzs: Float64Array.from([100, 0, 0, 0]), ints: Float64Array.from([100, 0, 0, 0]), nPeaks: Uint8Array.from([1]) };
      const res = scoreIons({ segments: [segment], geometry, centroids, isTarget: Uint8Array.from([1]), ppm: 3 });
      if (res.chaos[0] !== c.chaos) wrong.push(`${c.name}: ${res.chaos[0]} vs ${c.chaos}`);
    }
    expect(wrong).toEqual([]);
  });
});
