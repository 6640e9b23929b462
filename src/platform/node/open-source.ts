// Opens a ByteSource for a local path or an http(s) URL; finds the .ibd next to an .imzML (any extension case).
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import type { ByteSource } from '../../core/types.ts';
import { NodeFileSource } from './file-source.ts';
import { HttpSource } from '../shared/http-source.ts';

export function isUrl(p: string): boolean {
  return /^https?:\/\//i.test(p);
}

export async function openSource(p: string): Promise<ByteSource> {
  if (isUrl(p)) return HttpSource.open(p);
  if (/^[a-z0-9]+:\/\//i.test(p)) {
    throw new Error(`${p}: only local paths and http(s) URLs can be read here (for s3:// use --impl serverless with cloud settings)`);
  }
  return NodeFileSource.open(p);
}

/** The .ibd that belongs to an .imzML: same base name, extension .ibd in any case. */
export async function findIbd(imzmlPath: string): Promise<string> {
  if (isUrl(imzmlPath)) return imzmlPath.replace(/\.imzml(\?|$)/i, '.ibd$1');
  const dir = dirname(imzmlPath);
  const base = basename(imzmlPath, extname(imzmlPath));
  const names = await readdir(dir).catch(() => [] as string[]);
  const hit = names.find((n) => n.toLowerCase() === `${base.toLowerCase()}.ibd`);
  if (!hit) throw new Error(`${imzmlPath}: no matching .ibd file next to it (looked for ${base}.ibd in ${dir}); an imzML needs its .ibd binary file`);
  return join(dir, hit);
}

/** A fingerprint of a local file or URL for cache keys: path, size and modification time. */
export async function fingerprint(p: string): Promise<string> {
  if (isUrl(p)) return p;
  const s = await stat(p);
  return `${p}|${s.size}|${s.mtimeMs}`;
}
