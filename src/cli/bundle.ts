// `imzlens bundle info FILE [--json]`: opens a result bundle with every check the app applies, decodes all
// its images, and prints the manifest and counts. Exit 0 = valid, 1 = invalid (the message says why).
import { parseArgs } from 'node:util';
import { readFile } from 'node:fs/promises';
import { readBundle } from '../core/bundle/index.ts';

const USAGE = 'usage: imzlens bundle info FILE [--json]\n  Validates a result bundle (.imzlens.zip) and prints its manifest, counts and sizes.\n';

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help || positionals.length !== 2 || positionals[0] !== 'info') {
    process.stdout.write(USAGE);
    return values.help ? 0 : 2;
  }
  const file = positionals[1];
  const bytes = new Uint8Array(await readFile(file));
  let b;
  try {
    b = await readBundle(bytes);
  } catch (e) {
    process.stderr.write(`imzlens bundle: ${file} is not a valid bundle: ${(e as Error).message}\n`);
    return 1;
  }
  const rows = b.result.rows;
  let images = 0;
  let nonZero = 0;
  for (let i = 0; i < rows.length; i++) {
    try {
      for (const img of b.images(i)) {
        images++;
        for (let p = 0; p < img.length; p++) if (img[p] !== 0) nonZero++;
      }
    } catch (e) {
      process.stderr.write(`imzlens bundle: ${file} is not a valid bundle: ${(e as Error).message}\n`);
      return 1;
    }
  }
  const fdrLevels: Record<string, number> = {};
  for (const r of rows) fdrLevels[String(r.fdr)] = (fdrLevels[String(r.fdr)] ?? 0) + 1;
  const info = {
    file,
    bytes: bytes.length,
    manifest: b.manifest,
    dataset: { name: b.meta.name, grid: `${b.meta.width}×${b.meta.height}`, sampledPixels: b.mask.reduce((a, v) => a + v, 0), polarity: b.meta.polarity, mzRange: [b.meta.mzMin, b.meta.mzMax] },
    job: { datasetName: b.result.datasetName, createdAt: b.result.createdAt, params: b.result.params },
    rows: rows.length,
    rowsByFdr: fdrLevels,
    images,
    nonZeroPixels: nonZero,
  };
  if (values.json) {
    process.stdout.write(`${JSON.stringify(info, null, 2)}\n`);
  } else {
    const m = b.manifest;
    process.stdout.write(
      [
        `${file}: valid imzlens bundle v${m.version} (${bytes.length} bytes), written ${m.createdAt} by ${m.app.name} ${m.app.version}`,
        `dataset   ${info.dataset.name}, grid ${info.dataset.grid}, ${info.dataset.sampledPixels} sampled pixels, polarity ${b.meta.polarity ?? 'unknown'}, m/z ${b.meta.mzMin}–${b.meta.mzMax}`,
        `job       ${b.result.params.databases.join(', ')}; adducts ${b.result.params.adducts.join(' ')}; ppm ${b.result.params.ppm}; ${b.result.params.decoys} decoys`,
        `rows      ${rows.length} (by FDR: ${Object.entries(fdrLevels).map(([k, v]) => `${k}: ${v}`).join(', ') || 'none'})`,
        `images    ${images} (${nonZero} non-zero pixels), encoding ${m.imageEncoding}`,
        `entries   ${Object.keys(m.sizes.entries).length}, ${m.sizes.total} bytes uncompressed`,
      ].join('\n') + '\n',
    );
  }
  return 0;
}
