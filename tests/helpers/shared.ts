// Locates ../shared (the spec, real data and reference fixtures) next to the repo, as CI lays it out.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const SHARED = resolve(REPO_ROOT, '../shared');

/** Absolute path of a file under ../shared; throws a clear message when shared/ is missing. */
export function sharedPath(...parts: string[]): string {
  if (!existsSync(SHARED)) {
    throw new Error(`this test needs the shared data folder at ${SHARED} (a copy of shared/ next to the repo clone)`);
  }
  const p = resolve(SHARED, ...parts);
  if (!existsSync(p)) throw new Error(`missing shared file ${p}`);
  return p;
}
