// `imzlens crop IN.imzML --out PREFIX [--x 10:50] [--y 5:30] [--mz 100:500]`: cuts a pixel box and/or an m/z range
// out of a dataset into PREFIX.imzML + PREFIX.ibd (processed mode, same data types and metadata, new uuid).
import { parseArgs } from 'node:util';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseImzml } from '../core/imzml/parse.ts';
import { cropDataset, parseRange } from '../core/sim/crop.ts';
import { NodeFileSource } from '../platform/node/file-source.ts';
import { findIbd } from '../platform/node/open-source.ts';
import { FileSink } from './simulate.ts';

const USAGE = `usage: imzlens crop IN.imzML --out PREFIX [--x FROM:TO] [--y FROM:TO] [--mz FROM:TO]
  x/y: inclusive file coordinates (1-based as in the imzML); mz: inclusive m/z range.`;

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      x: { type: 'string' },
      y: { type: 'string' },
      mz: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (positionals.length !== 1 || !values.out) {
    process.stderr.write(`imzlens crop: give one imzML file and --out PREFIX\n${USAGE}\n`);
    return 2;
  }
  const region = {
    x: values.x !== undefined ? parseRange(values.x, '--x') : undefined,
    y: values.y !== undefined ? parseRange(values.y, '--y') : undefined,
    mz: values.mz !== undefined ? parseRange(values.mz, '--mz') : undefined,
  };
  const t0 = performance.now();
  const imzmlSrc = await NodeFileSource.open(positionals[0]!);
  const ibdSrc = await NodeFileSource.open(await findIbd(positionals[0]!));
  await mkdir(dirname(values.out) || '.', { recursive: true });
  const ibd = await FileSink.create(`${values.out}.ibd`);
  const imzml = await FileSink.create(`${values.out}.imzML`);
  try {
    const index = await parseImzml(imzmlSrc);
    const r = await cropDataset(index, ibdSrc, { ibd, imzml }, region);
    process.stdout.write(
      `cropped ${r.nSpectra} of ${index.nSpectra} spectra, ${r.peaks} peaks → ${values.out}.imzML (${(r.imzmlBytes / 1e6).toFixed(1)} MB), ` +
      `${values.out}.ibd (${(r.ibdBytes / 1e6).toFixed(1)} MB), sha1 ${r.sha1}, ${((performance.now() - t0) / 1000).toFixed(2)} s\n`,
    );
  } finally {
    await ibd.close();
    await imzml.close();
    await imzmlSrc.close();
    await ibdSrc.close();
  }
  return 0;
}
