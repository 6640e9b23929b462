// SegmentStore on disk (Node). Layout under rootDir:
//   <id>.partial/   while writing: seg-<index>.bin, blob-<key>.bin, resume.json (the ingest's resume record,
//                   core/imzml/resume.ts; replaced by rename after the files it counts are written, removed at
//                   commit). A crash leaves only this folder; `imzlens ingest` run again resumes from it.
//   <id>/           after commit: the same files + meta.json (written last, then the folder is renamed)
// The rename makes the commit atomic: `list` only sees folders with meta.json that are not *.partial.
import { mkdir, readdir, readFile, rename, rm, stat, writeFile, open } from 'node:fs/promises';
import path from 'node:path';
import type { DatasetMeta, Segment } from '../../core/types.ts';
import type { SegmentStore } from '../../core/store.ts';
import type { IngestResumeRecord, ResumeRecordStore } from '../../core/imzml/resume.ts';

const MAGIC = 0x535a4d49; // 'IMZS' little-endian
const VERSION = 1;
const HEADER = 16;

export class FileSegmentStore implements SegmentStore, ResumeRecordStore {
  constructor(readonly rootDir: string) {}

  private dirName(id: string): string {
    if (!id || id === '.' || id === '..') throw new Error(`invalid dataset id '${id}'; use a non-empty name`);
    return encodeURIComponent(id);
  }
  private committedDir(id: string): string { return path.join(this.rootDir, this.dirName(id)); }
  private partialDir(id: string): string { return path.join(this.rootDir, `${this.dirName(id)}.partial`); }

  private async writable(id: string): Promise<string> {
    const dir = this.partialDir(id);
    await mkdir(dir, { recursive: true });
    return dir;
  }

  /** The folder holding a dataset's files: committed first, else the partial one (resume/inspection). */
  private async readable(id: string): Promise<string | null> {
    for (const d of [this.committedDir(id), this.partialDir(id)]) {
      if (await exists(d)) return d;
    }
    return null;
  }

  async putSegments(datasetId: string, segments: { index: number; segment: Segment }[]): Promise<void> {
    const dir = await this.writable(datasetId);
    for (const { index, segment } of segments) {
      const n = segment.mz.length;
      if (segment.intensity.length !== n || segment.pixel.length !== n) {
        throw new Error(`segment ${index} of '${datasetId}': mz/intensity/pixel lengths differ (${n}/${segment.intensity.length}/${segment.pixel.length})`);
      }
      const head = new Uint32Array([MAGIC, VERSION, n, 0]);
      const fh = await open(path.join(dir, `seg-${index}.bin`), 'w');
      try {
        await fh.writev([u8(head), u8(segment.mz), u8(segment.intensity), u8(segment.pixel)]);
      } finally {
        await fh.close();
      }
    }
  }

  async getSegment(datasetId: string, index: number): Promise<Segment> {
    const dir = await this.readable(datasetId);
    const file = dir && path.join(dir, `seg-${index}.bin`);
    if (!file || !(await exists(file))) throw new Error(`dataset '${datasetId}' has no segment ${index} in ${this.rootDir}; ingest it again`);
    const buf = await readAligned(file);
    const head = new Uint32Array(buf, 0, 4);
    const n = head[2];
    if (head[0] !== MAGIC || head[1] !== VERSION || buf.byteLength !== HEADER + n * 16) {
      throw new Error(`${file}: not a valid imzlens segment file (bad header or size ${buf.byteLength}); delete the dataset and ingest it again`);
    }
    return {
      mz: new Float64Array(buf, HEADER, n),
      intensity: new Float32Array(buf, HEADER + 8 * n, n),
      pixel: new Uint32Array(buf, HEADER + 12 * n, n),
    };
  }

  async putBlob(datasetId: string, key: string, data: Uint8Array): Promise<void> {
    const dir = await this.writable(datasetId);
    await writeFile(path.join(dir, `blob-${encodeURIComponent(key)}.bin`), data);
  }

  async getBlob(datasetId: string, key: string): Promise<Uint8Array | null> {
    const dir = await this.readable(datasetId);
    if (!dir) return null;
    const f = path.join(dir, `blob-${encodeURIComponent(key)}.bin`);
    if (!(await exists(f))) return null;
    return new Uint8Array(await readAligned(f));
  }

  async putResume(datasetId: string, record: IngestResumeRecord): Promise<void> {
    const dir = await this.writable(datasetId);
    const tmp = path.join(dir, 'resume.json.tmp');
    await writeFile(tmp, JSON.stringify(record));
    await rename(tmp, path.join(dir, 'resume.json'));
  }

  /** The resume record of an interrupted write of `datasetId`, or null (none, or unreadable: start over). */
  async getResume(datasetId: string): Promise<IngestResumeRecord | null> {
    try {
      const r = JSON.parse(await readFile(path.join(this.partialDir(datasetId), 'resume.json'), 'utf8')) as IngestResumeRecord;
      return r && r.version === 1 ? r : null;
    } catch {
      return null;
    }
  }

  async commit(meta: DatasetMeta): Promise<void> {
    const partial = this.partialDir(meta.id);
    if (!(await exists(partial))) throw new Error(`cannot commit '${meta.id}': nothing was written for it in ${this.rootDir}`);
    for (const s of meta.segments) {
      if (!(await exists(path.join(partial, `seg-${s.index}.bin`)))) throw new Error(`cannot commit '${meta.id}': segment ${s.index} was never written`);
    }
    await rm(path.join(partial, 'resume.json'), { force: true });
    await writeFile(path.join(partial, 'meta.json'), JSON.stringify(meta, null, 1));
    const final = this.committedDir(meta.id);
    if (await exists(final)) {
      // Replace an older version: move it aside first so a crash never leaves a half-replaced dataset.
      const old = `${final}.old-${Date.now()}`;
      await rename(final, old);
      await rename(partial, final);
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(partial, final);
    }
  }

  async getMeta(datasetId: string): Promise<DatasetMeta | null> {
    const f = path.join(this.committedDir(datasetId), 'meta.json');
    if (!(await exists(f))) return null;
    return JSON.parse(await readFile(f, 'utf8')) as DatasetMeta;
  }

  async list(): Promise<DatasetMeta[]> {
    const out: DatasetMeta[] = [];
    for (const name of await this.entries()) {
      if (name.endsWith('.partial') || name.includes('.old-')) continue;
      const f = path.join(this.rootDir, name, 'meta.json');
      if (await exists(f)) out.push(JSON.parse(await readFile(f, 'utf8')) as DatasetMeta);
    }
    return out;
  }

  async listIncomplete(): Promise<string[]> {
    return (await this.entries()).filter((n) => n.endsWith('.partial')).map((n) => decodeURIComponent(n.slice(0, -'.partial'.length)));
  }

  /** Removes an unfinished write (the .partial folder) and nothing else: a committed dataset of the same id stays. */
  async discardPartial(datasetId: string): Promise<void> {
    await rm(this.partialDir(datasetId), { recursive: true, force: true });
  }

  async delete(datasetId: string): Promise<void> {
    await rm(this.partialDir(datasetId), { recursive: true, force: true });
    await rm(this.committedDir(datasetId), { recursive: true, force: true });
  }

  private async entries(): Promise<string[]> {
    try {
      return await readdir(this.rootDir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
  }
}

function u8(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

/** Reads a file into a fresh ArrayBuffer (offset 0, so typed-array views are aligned). */
async function readAligned(file: string): Promise<ArrayBuffer> {
  const fh = await open(file, 'r');
  try {
    const { size } = await fh.stat();
    const buf = new ArrayBuffer(size);
    const view = new Uint8Array(buf);
    let got = 0;
    while (got < size) {
      const { bytesRead } = await fh.read(view, got, size - got, got);
      if (bytesRead === 0) throw new Error(`${file}: ended early at ${got} of ${size} bytes`);
      got += bytesRead;
    }
    return buf;
  } finally {
    await fh.close();
  }
}
