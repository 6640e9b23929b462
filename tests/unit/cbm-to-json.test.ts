// scripts/cbm-to-json.mjs turns the published .cbm files (committed next to the fixture table, Apache-2.0, from
// metaspace2020/metaspace: metaspace/scoring-models/models_default/) into exactly the committed model JSON.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/shared.ts';

const dir = mkdtempSync(join(tmpdir(), 'imzlens-cbm-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function convert(cbm: string, name: string, source: string) {
  const out = join(dir, `${Math.random().toString(36).slice(2)}.json`);
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts/cbm-to-json.mjs'), cbm, out, '--name', name, '--source', source], { encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr, out };
}

describe('cbm-to-json', () => {
  for (const kind of ['Animal', 'Plant']) {
    it(`reproduces the committed ${kind} model JSON byte for byte`, () => {
      const cbm = join(REPO_ROOT, `tests/fixtures/metaspace-ml/METASPACE-ML_${kind}.v2.2023-12-14.cbm`);
      const committedPath = join(REPO_ROOT, `src/core/score/models/data/metaspace-ml-${kind.toLowerCase()}.v2.2023-12-14.json`);
      const committed = readFileSync(committedPath, 'utf8');
      const meta = JSON.parse(committed) as { name: string; source: string; sha256: string };
      expect(createHash('sha256').update(readFileSync(cbm)).digest('hex')).toBe(meta.sha256);
      const r = convert(cbm, meta.name, meta.source);
      expect(r.status, r.stderr).toBe(0);
      expect(readFileSync(r.out, 'utf8')).toBe(committed);
    });
  }

  it('refuses a file that is not a .cbm, and one whose length field does not match', () => {
    const bytes = readFileSync(join(REPO_ROOT, 'tests/fixtures/metaspace-ml/METASPACE-ML_Animal.v2.2023-12-14.cbm'));
    const notCbm = join(dir, 'not.cbm');
    writeFileSync(notCbm, Buffer.concat([Buffer.from('XBM1'), bytes.subarray(4)]));
    expect(convert(notCbm, 'x', 'x').stderr).toMatch(/not a CatBoost \.cbm file/);
    const longer = join(dir, 'longer.cbm');
    writeFileSync(longer, Buffer.concat([bytes, Buffer.alloc(16)]));
    expect(convert(longer, 'x', 'x').stderr).toMatch(/model parts after the core/);
  });

  it('its split cross-check fails when one tree split is changed', () => {
    // TreeSplits holds int32 binary-feature numbers; find tree 0's first split (1192 in this model) and change it
    const bytes = Buffer.from(readFileSync(join(REPO_ROOT, 'tests/fixtures/metaspace-ml/METASPACE-ML_Animal.v2.2023-12-14.cbm')));
    const seq = Buffer.alloc(12);
    [1192, 2331, 1962].forEach((v, i) => seq.writeInt32LE(v, i * 4)); // tree 0's first three splits, in a row
    const at = bytes.indexOf(seq);
    expect(at).toBeGreaterThan(0);
    bytes.writeInt32LE(1193, at);
    const bad = join(dir, 'bad.cbm');
    writeFileSync(bad, bytes);
    expect(convert(bad, 'x', 'x').stderr).toMatch(/split 0: TreeSplits gives .* the repacked split says/);
  });
});
