// `imzlens info FILE.imzML [--json]`: describes an imzML/ibd pair (header facts, geometry, m/z range, peaks).
import { parseArgs } from 'node:util';
import { readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { parseImzml } from '../core/imzml/parse.ts';
import { checkIbdUuid, forEachSpectrum, validateRanges } from '../core/imzml/spectra.ts';
import { computeGeometry } from '../core/imzml/ingest.ts';
import { NodeFileSource } from '../platform/node/file-source.ts';

/** The ibd next to an imzML: same base name, extension in any letter case; null when absent. */
export function findIbd(imzmlPath: string): string | null {
  const dir = path.dirname(imzmlPath);
  const stem = path.basename(imzmlPath).replace(/\.[^.]*$/, '').toLowerCase();
  if (!existsSync(dir)) return null;
  const hit = readdirSync(dir).find((f) => f.toLowerCase() === `${stem}.ibd`);
  return hit ? path.join(dir, hit) : null;
}

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help || positionals.length !== 1) {
    process.stdout.write('usage: imzlens info FILE.imzML [--json]\n  Describes an imzML/ibd pair; the ibd must sit next to it with the same base name.\n');
    return values.help ? 0 : 2;
  }
  const file = positionals[0];
  const imzml = await NodeFileSource.open(file);
  try {
    const index = await parseImzml(imzml);
    const geo = computeGeometry(index);
    const ibdPath = findIbd(file);
    const info: Record<string, unknown> = {
      file,
      ibd: ibdPath,
      spectra: index.nSpectra,
      grid: { width: geo.width, height: geo.height, minX: geo.minX, minY: geo.minY, sampledPixels: geo.nSamplePixels, maxCountX: index.maxCountX, maxCountY: index.maxCountY },
      mode: index.storageMode,
      modeLabel: index.storageModeLabel,
      mzDataType: index.mzDataType,
      intensityDataType: index.intensityDataType,
      compression: { mz: index.mzCompression, intensity: index.intensityCompression },
      polarity: index.polarity,
      spectrumType: index.spectrumType,
      pixelSize: index.pixelSizeX === null ? null : { x: index.pixelSizeX, y: index.pixelSizeY },
      instrument: index.instrument,
      uuid: index.uuid,
      sha1: index.sha1,
      md5: index.md5,
      mzRange: null as null | [number, number],
      totalPeaks: null as null | number,
      rawValues: null as null | number,
      warnings: [...index.warnings],
    };
    let code = 0;
    if (!ibdPath) {
      (info.warnings as string[]).push(`ibd missing: expected ${path.basename(file).replace(/\.[^.]*$/, '')}.ibd next to ${file}; m/z range and peak count need it.`);
      code = 1;
    } else {
      const ibd = await NodeFileSource.open(ibdPath);
      try {
        const u = await checkIbdUuid(index, ibd);
        if (u.warning) (info.warnings as string[]).push(u.warning);
        validateRanges(index, ibd, u.warning && index.uuid ? `Note: ${u.warning}` : '');
        let peaks = 0, raw = 0, lo = Infinity, hi = -Infinity;
        await forEachSpectrum(index, ibd, (_, mz, it) => {
          raw += mz.length;
          for (let j = 0; j < mz.length; j++) {
            if (it[j] > 0) { peaks++; const m = mz[j]; if (m < lo) lo = m; if (m > hi) hi = m; }
          }
        });
        info.totalPeaks = peaks;
        info.rawValues = raw;
        info.mzRange = peaks ? [lo, hi] : null;
      } finally {
        await ibd.close();
      }
    }
    if (values.json) process.stdout.write(`${JSON.stringify(info, null, 2)}\n`);
    else process.stdout.write(formatInfo(info));
    if (!ibdPath) process.stderr.write(`imzlens info: ibd missing for ${file} (looked for <same name>.ibd in any letter case)\n`);
    return code;
  } finally {
    await imzml.close();
  }
}

function formatInfo(i: Record<string, any>): string {
  const g = i.grid;
  const lines = [
    `file          ${i.file}`,
    `ibd           ${i.ibd ?? 'MISSING'}`,
    `spectra       ${i.spectra}`,
    `grid          ${g.width} x ${g.height} (bounding box from x=${g.minX}, y=${g.minY}; ${g.sampledPixels} sampled pixels${g.maxCountX !== null ? `; header says ${g.maxCountX} x ${g.maxCountY}` : ''})`,
    `mode          ${i.mode}${i.modeLabel && i.modeLabel !== i.mode ? ` (file says ${i.modeLabel})` : ''}`,
    `data types    m/z ${i.mzDataType}, intensity ${i.intensityDataType}`,
    `compression   m/z ${i.compression.mz}, intensity ${i.compression.intensity}`,
    `m/z range     ${i.mzRange ? `${i.mzRange[0]} – ${i.mzRange[1]}` : 'unknown'}`,
    `peaks         ${i.totalPeaks ?? 'unknown'} non-zero${i.rawValues !== null ? ` (of ${i.rawValues} values)` : ''}`,
    `polarity      ${i.polarity ?? 'not stated'}`,
    `spectrum type ${i.spectrumType ?? 'not stated'}`,
    `pixel size    ${i.pixelSize ? `${i.pixelSize.x} x ${i.pixelSize.y} µm` : 'not stated'}`,
    `instrument    ${i.instrument ?? 'not stated'}`,
    `uuid          ${i.uuid ?? 'none'}`,
  ];
  const w = i.warnings as string[];
  lines.push(w.length ? `warnings:\n${w.map((s) => `  - ${s}`).join('\n')}` : 'warnings      none');
  return `${lines.join('\n')}\n`;
}
