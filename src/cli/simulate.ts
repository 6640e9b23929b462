// `imzlens simulate`: writes a simulated processed-mode imzML/ibd with a ground-truth CSV.
//   imzlens simulate --width W --height H --db DB.csv --n-true N --noise-peaks K --sigma S --seed X --out PREFIX
//                    [--adducts +H,+Na,+K] [--polarity +] [--mz-range 100,1000] [--background-peaks 40]
//                    [--off-tissue-spectra 0] [--pixel-size 10] [--scale-range 50,2e5] [--noise-level 20] [--ppm-sd 1]
import { parseArgs } from 'node:util';
import { open, readFile, writeFile, mkdir } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { parseMolDb } from '../core/chem/moldb.ts';
import { ionCentroids } from '../core/chem/centroids.ts';
import { planSimulation } from '../core/sim/simulate.ts';
import { writeSimulation } from '../core/sim/write.ts';
import type { ByteSink } from '../core/imzml/writer.ts';

const USAGE = `usage: imzlens simulate --width W --height H --db DB.csv --n-true N --noise-peaks K --sigma S --seed X --out PREFIX
                        [--adducts +H,+Na,+K] [--polarity +|-] [--mz-range 100,1000] [--background-peaks 40]
                        [--off-tissue-spectra FRACTION] [--pixel-size UM] [--scale-range 50,2e5] [--noise-level 20] [--ppm-sd 1]
writes PREFIX.imzML, PREFIX.ibd and PREFIX.truth.csv
  --scale-range: planted ions' peak intensity range (log-uniform); --noise-level: median noise-peak intensity;
  --ppm-sd: sd of the per-peak m/z error in ppm (clipped at 4 sd)`;

/** ByteSink over a Node file handle (sequential appends). */
export class FileSink implements ByteSink {
  private constructor(private readonly fh: FileHandle, readonly path: string) {}
  static async create(path: string): Promise<FileSink> {
    return new FileSink(await open(path, 'w'), path);
  }
  async write(chunk: Uint8Array): Promise<void> {
    let done = 0;
    while (done < chunk.length) {
      const { bytesWritten } = await this.fh.write(chunk, done, chunk.length - done);
      done += bytesWritten;
    }
  }
  close(): Promise<void> {
    return this.fh.close();
  }
}

function num(name: string, v: string | undefined, { int = false, min = -Infinity } = {}): number {
  if (v === undefined) throw new Error(`--${name} is required\n${USAGE}`);
  const x = Number(v);
  if (!Number.isFinite(x) || (int && !Number.isInteger(x)) || x < min) {
    throw new Error(`--${name} must be ${int ? 'a whole number' : 'a number'}${min > -Infinity ? ` ≥ ${min}` : ''} (got '${v}')`);
  }
  return x;
}

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      width: { type: 'string' },
      height: { type: 'string' },
      db: { type: 'string' },
      'n-true': { type: 'string' },
      'noise-peaks': { type: 'string' },
      sigma: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      adducts: { type: 'string', default: '+H,+Na,+K' },
      polarity: { type: 'string', default: '+' },
      'mz-range': { type: 'string', default: '100,1000' },
      'background-peaks': { type: 'string', default: '40' },
      'off-tissue-spectra': { type: 'string', default: '0' },
      'pixel-size': { type: 'string', default: '10' },
      'scale-range': { type: 'string' },
      'noise-level': { type: 'string' },
      'ppm-sd': { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!values.db || !values.out) throw new Error(`--db and --out are required\n${USAGE}`);
  const polarity = values.polarity === '+' || values.polarity === 'positive' ? '+' : values.polarity === '-' || values.polarity === 'negative' ? '-' : null;
  if (!polarity) throw new Error(`--polarity must be + or - (got '${values.polarity}')`);
  const range = values['mz-range']!.split(',').map(Number);
  if (range.length !== 2 || !range.every(Number.isFinite)) throw new Error(`--mz-range must be two numbers like 100,1000 (got '${values['mz-range']}')`);
  let scaleRange: [number, number] | undefined;
  if (values['scale-range'] !== undefined) {
    const s = values['scale-range'].split(',').map(Number);
    if (s.length !== 2 || !(s[0]! > 0) || !(s[1]! >= s[0]!)) throw new Error(`--scale-range must be two increasing positive numbers like 50,2e5 (got '${values['scale-range']}')`);
    scaleRange = [s[0]!, s[1]!];
  }
  const ppmSd = values['ppm-sd'] === undefined ? undefined : num('ppm-sd', values['ppm-sd'], { min: 0 });
  const adducts = values.adducts!.split(',').map((s) => s.trim()).filter(Boolean);

  let dbBytes: Uint8Array;
  try {
    dbBytes = new Uint8Array(await readFile(values.db));
  } catch {
    throw new Error(`${values.db}: cannot read the molecular database file: check the path`);
  }
  const db = parseMolDb(dbBytes, basename(values.db));

  const t0 = performance.now();
  const plan = planSimulation({
    width: num('width', values.width, { int: true, min: 1 }),
    height: num('height', values.height, { int: true, min: 1 }),
    seed: num('seed', values.seed, { int: true }),
    nTrue: num('n-true', values['n-true'], { int: true, min: 0 }),
    noisePeaks: num('noise-peaks', values['noise-peaks'], { int: true, min: 0 }),
    sigma: num('sigma', values.sigma, { min: 1e-9 }),
    backgroundPeaks: num('background-peaks', values['background-peaks'], { int: true, min: 0 }),
    offTissueSpectra: num('off-tissue-spectra', values['off-tissue-spectra'], { min: 0 }),
    scaleRange,
    noiseLevel: values['noise-level'] === undefined ? undefined : num('noise-level', values['noise-level'], { min: 0 }),
    ppmSd,
    ppmMax: ppmSd === undefined ? undefined : 4 * ppmSd,
    formulas: db.formulas,
    adducts,
    polarity,
    mzRange: [range[0]!, range[1]!],
    centroids: ionCentroids,
  });
  const tPlan = performance.now() - t0;

  const prefix = values.out;
  await mkdir(dirname(prefix) || '.', { recursive: true });
  const ibd = await FileSink.create(`${prefix}.ibd`);
  const imzml = await FileSink.create(`${prefix}.imzML`);
  let r;
  try {
    r = await writeSimulation(plan, { ibd, imzml }, {
      pixelSizeUm: num('pixel-size', values['pixel-size'], { min: 0 }),
      onProgress: values.quiet || !process.stderr.isTTY ? undefined
        : (n, total) => process.stderr.write(`\r  ${n} / ${total} spectra`),
    });
  } finally {
    await ibd.close();
    await imzml.close();
  }
  if (!values.quiet && process.stderr.isTTY) process.stderr.write('\n');
  await writeFile(`${prefix}.truth.csv`, r.truthCsv);
  const secs = (performance.now() - t0) / 1000;
  const mb = (b: number) => (b / 1e6).toFixed(1);
  if (!values.quiet) {
    process.stdout.write(
      `simulated ${plan.width}×${plan.height} px (${plan.nTissue} on tissue, ${r.nSpectra} spectra), ` +
      `${plan.planted.length} planted ions, ${r.stats.nPeaks} peaks (${(r.stats.nPeaks / Math.max(1, r.nSpectra)).toFixed(0)}/spectrum)\n` +
      `  ${prefix}.imzML ${mb(r.imzmlBytes)} MB, ${prefix}.ibd ${mb(r.ibdBytes)} MB, ${prefix}.truth.csv\n` +
      `  uuid ${r.uuid}, sha1 ${r.sha1}\n` +
      `  ${secs.toFixed(2)} s (plan ${(tPlan / 1000).toFixed(2)} s), ${(r.ibdBytes / 1e6 / secs).toFixed(0)} MB/s ibd, ` +
      `peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB\n`,
    );
  }
  return 0;
}
