// Molecular databases for the job form: the bundled ones (public/db) and user CSV/TSV uploads.
import { parseMolDb, type MolDb } from '../../core/chem/moldb.ts';

export interface BundledDb {
  id: string;
  name: string;
  file: string;
  molecules: number;
  formulas: number;
  source?: string;
  licence?: string;
}

const base = import.meta.env.BASE_URL;
let index: Promise<BundledDb[]> | null = null;
const loaded = new Map<string, Promise<MolDb>>();

export function bundledDbs(): Promise<BundledDb[]> {
  index ??= fetch(`${base}db/index.json`).then((r) => {
    if (!r.ok) throw new Error(`bundled database list db/index.json: HTTP ${r.status}`);
    return r.json() as Promise<BundledDb[]>;
  });
  return index;
}

export function loadBundledDb(entry: BundledDb): Promise<MolDb> {
  let p = loaded.get(entry.id);
  if (!p) {
    p = fetch(`${base}db/${entry.file}`)
      .then(async (r) => {
        if (!r.ok) throw new Error(`bundled database ${entry.name} (db/${entry.file}): HTTP ${r.status}`);
        return parseMolDb(new Uint8Array(await r.arrayBuffer()), entry.name);
      });
    p.catch(() => loaded.delete(entry.id));
    loaded.set(entry.id, p);
  }
  return p;
}

/** Parses an uploaded database; throws MolDbError with row-precise problems. */
export async function parseUploadedDb(file: File): Promise<MolDb> {
  const name = file.name.replace(/\.(csv|tsv|txt)(\.gz)?$/i, '');
  return parseMolDb(new Uint8Array(await file.arrayBuffer()), name);
}
