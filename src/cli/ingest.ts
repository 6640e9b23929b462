// `imzlens ingest FILE.imzML --out DIR`: writes the on-disk dataset store (FileSegmentStore) for a pair.
import { parseArgs } from 'node:util';
import path from 'node:path';
import { statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { ingestDataset } from '../core/imzml/ingest.ts';
import { NodeFileSource } from '../platform/node/file-source.ts';
import { FileSegmentStore } from '../platform/node/file-store.ts';
import { findIbd } from './info.ts';
import { fileIdentity, identityMismatch, resumeWhere } from '../core/imzml/resume.ts';

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      out: { type: 'string', short: 'o' },
      id: { type: 'string' },
      name: { type: 'string' },
      'segment-mb': { type: 'string' },
      quiet: { type: 'boolean', short: 'q' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || positionals.length !== 1 || !values.out) {
    process.stdout.write('usage: imzlens ingest FILE.imzML --out DIR [--id ID] [--name NAME] [--segment-mb 64] [--quiet]\n  Writes the dataset store (m/z-sorted segments, mask, TIC, meta.json) under DIR/<id>/.\n');
    return values.help ? 0 : 2;
  }
  const file = positionals[0];
  const kind = statSync(file, { throwIfNoEntry: false });
  if (!kind || !kind.isFile()) {
    process.stderr.write(`imzlens ingest: ${file}: ${kind ? 'this is a folder, not an .imzML file' : 'no such file: check the path'}\n`);
    return 1;
  }
  const ibdPath = findIbd(file);
  if (!ibdPath) {
    process.stderr.write(`imzlens ingest: ibd missing: expected ${path.basename(file).replace(/\.[^.]*$/, '')}.ibd (any letter case) next to ${file}\n`);
    return 1;
  }
  const segmentMb = values['segment-mb'] ? Number(values['segment-mb']) : 64;
  if (!(segmentMb > 0)) {
    process.stderr.write(`imzlens ingest: --segment-mb must be a positive number, got '${values['segment-mb']}'\n`);
    return 2;
  }
  const name = values.name ?? path.basename(file).replace(/\.[^.]*$/, '');
  const id = values.id ?? name;
  const imzml = await NodeFileSource.open(file);
  const ibd = await NodeFileSource.open(ibdPath);
  const store = new FileSegmentStore(values.out);
  // A killed run left <id>.partial/ with a resume record: the same command continues it; other input files (or
  // another segment size or name) start over, saying why, since their dataset would differ.
  const files = { imzml: await fileIdentity(imzml, (await stat(file)).mtimeMs), ibd: await fileIdentity(ibd, (await stat(ibdPath)).mtimeMs) };
  const segmentBytes = segmentMb * 2 ** 20;
  let from = await store.getResume(id);
  if (from) {
    const why = identityMismatch(from, files.imzml, files.ibd)
      ?? (from.targetSegmentBytes !== segmentBytes ? `it used ${from.targetSegmentBytes / 2 ** 20} MB segments, this run ${segmentMb} MB.` : null)
      ?? (from.name !== name ? `it was named '${from.name}', this run '${name}'.` : null);
    if (why) {
      process.stderr.write(`imzlens ingest: an interrupted ingest of '${id}' in ${path.resolve(values.out)} does not match this run (${why}); starting over.\n`);
      await store.discardPartial(id);
      from = null;
    } else {
      process.stderr.write(`imzlens ingest: resuming the interrupted ingest of '${id}' at ${resumeWhere(from)}.\n`);
    }
  } else if ((await store.listIncomplete()).includes(id)) {
    // killed before its first record: nothing to continue from (a dataset committed under this id stays)
    await store.discardPartial(id);
  }
  const t0 = performance.now();
  let lastStage = '';
  const stageStart = new Map<string, number>();
  let lastReport = performance.now();
  try {
    const meta = await ingestDataset({
      imzml, ibd, store, id, name,
      targetSegmentBytes: segmentBytes,
      resume: { files, from, save: (r) => store.putResume(id, r) },
      onProgress: (p) => {
        if (values.quiet) return;
        if (p.stage === 'resume') return; // said above
        if (p.stage !== lastStage) { if (lastStage) process.stderr.write('\n'); lastStage = p.stage; }
        // a stage's clock starts at the previous stage's last report (its first report already carries work)
        const now = performance.now();
        if (!stageStart.has(p.stage)) stageStart.set(p.stage, lastReport);
        lastReport = now;
        const dt = (now - stageStart.get(p.stage)!) / 1000;
        // index, sample and read count bytes (of the imzML, of the ibd); sort counts segments
        const rate = p.stage === 'index' || p.stage === 'sample' || p.stage === 'read' ? (dt > 0 ? ` ${(p.done / 2 ** 20 / dt).toFixed(0)} MB/s` : '') : '';
        process.stderr.write(`\r  ${p.stage.padEnd(6)} ${p.total ? ((100 * p.done) / p.total).toFixed(0) : '?'}%${rate}   `);
      },
    });
    if (!values.quiet) process.stderr.write('\n');
    const s = (performance.now() - t0) / 1000;
    process.stdout.write(
      `ingested ${meta.name} as '${meta.id}' into ${path.resolve(values.out)}: ${meta.nSpectra} spectra, ${meta.width} x ${meta.height} grid, ` +
        `${meta.totalPeaks} peaks in ${meta.segments.length} segments, m/z ${meta.mzMin} – ${meta.mzMax} (${s.toFixed(2)} s, ${(ibd.size / 2 ** 20 / s).toFixed(0)} MB/s)\n`,
    );
    for (const w of meta.warnings) process.stdout.write(`warning: ${w}\n`);
    return 0;
  } catch (e) {
    // only what this run wrote: an earlier dataset stored under the same id stays as it was
    await store.discardPartial(id).catch(() => {});
    throw e;
  } finally {
    await imzml.close();
    await ibd.close();
  }
}
