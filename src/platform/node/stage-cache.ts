// Stage outputs cached on disk by a key of their inputs (v8 serialisation keeps typed arrays intact).
// Writes go to a temp file then rename, so a killed run never leaves a half-written entry. The score stage also
// keeps each finished task here until the whole stage is written, so a killed `imzlens annotate` re-run with the
// same command scores only the tasks that were missing.
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serialize, deserialize } from 'node:v8';
import type { StageCache } from '../../core/job/pipeline.ts';

export class DirStageCache implements StageCache {
  constructor(private readonly dir: string) {}

  async get(key: string): Promise<unknown | undefined> {
    try {
      return deserialize(await readFile(join(this.dir, `${key}.v8`)));
    } catch {
      return undefined;
    }
  }

  async set(key: string, value: unknown): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const tmp = join(this.dir, `${key}.${process.pid}.tmp`);
    await writeFile(tmp, serialize(value));
    await rename(tmp, join(this.dir, `${key}.v8`));
  }

  async delete(key: string): Promise<void> {
    await rm(join(this.dir, `${key}.v8`), { force: true });
  }
}

/** Default cache root: $IMZLENS_CACHE_DIR, else ~/.cache/imzlens. */
export function defaultCacheRoot(): string {
  return process.env.IMZLENS_CACHE_DIR ?? join(process.env.HOME ?? '.', '.cache', 'imzlens');
}
