// "Try the example": a bundled (simulated) dataset + database under public/example/, described by
// public/example/index.json: { name, description, imzml, ibd, db, polarity?, adducts?, sigma?, ppm?, decoys? }
// (paths relative to index.json; db = a CSV/TSV file there, or a bundled database id).
import type { JobParams } from '../../core/job/result.ts';

interface ExampleIndex {
  name: string;
  description?: string;
  imzml: string;
  ibd: string;
  db?: string;
  polarity?: '+' | '-';
  adducts?: string[];
  sigma?: number;
  ppm?: number;
  decoys?: number;
}

export interface ExampleSpec {
  name: string;
  /** Shown next to the dataset (says it is simulated). */
  note: string;
  imzmlFile: string;
  imzmlUrl: string;
  ibdUrl: string;
  /** URL of the example's own database file, or null when `dbId` names a bundled one. */
  dbUrl: string | null;
  dbId: string | null;
  dbName: string;
  params: Partial<JobParams>;
}

export async function openExample(): Promise<ExampleSpec> {
  const url = new URL(`${import.meta.env.BASE_URL}example/index.json`, location.href);
  const r = await fetch(url);
  if (!r.ok) throw new Error(`the example is not available in this build (example/index.json: HTTP ${r.status}).`);
  const idx = (await r.json()) as ExampleIndex;
  if (!idx.imzml || !idx.ibd) throw new Error('example/index.json must name the imzml and ibd files.');
  const rel = (p: string) => new URL(p, url).href;
  const dbIsFile = !!idx.db && /\.(csv|tsv|txt)(\.gz)?$/i.test(idx.db);
  const params: Partial<JobParams> = {};
  if (idx.polarity) params.polarity = idx.polarity;
  if (idx.adducts?.length) params.adducts = idx.adducts;
  if (idx.sigma) params.sigma = idx.sigma;
  if (idx.ppm) params.ppm = idx.ppm;
  if (idx.decoys) params.decoys = idx.decoys;
  return {
    name: idx.name,
    note: idx.description ?? 'Example dataset',
    imzmlFile: idx.imzml,
    imzmlUrl: rel(idx.imzml),
    ibdUrl: rel(idx.ibd),
    dbUrl: dbIsFile ? rel(idx.db!) : null,
    dbId: dbIsFile ? null : idx.db ?? null,
    dbName: dbIsFile ? idx.db!.replace(/\.(csv|tsv|txt)(\.gz)?$/i, '') : idx.db ?? '',
    params,
  };
}
