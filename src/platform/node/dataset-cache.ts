// Opens a dataset for Node jobs: ingests the imzML/ibd pair into an on-disk store once, keyed by the files'
// path, size and mtime, and reuses it on later runs (the ingest stage's cache).
import type { DatasetMeta } from '../../core/types.ts';
import { BLOB_MASK } from '../../core/store.ts';
import { ingestDataset } from '../../core/imzml/ingest.ts';
import { hashStrings } from '../../core/hash.ts';
import { FileSegmentStore } from './file-store.ts';
import { findIbd, fingerprint, openSource } from './open-source.ts';

export interface OpenedDataset {
  store: FileSegmentStore;
  meta: DatasetMeta;
  mask: Uint8Array;
  cached: boolean;
}

export async function openDataset(opts: {
  imzml: string;
  ibd: string | null;
  name: string;
  root: string;
  useCache: boolean;
  onProgress?(p: { stage: string; done: number; total: number }): void;
  signal?: AbortSignal;
  targetSegmentBytes?: number;
}): Promise<OpenedDataset> {
  const ibdPath = opts.ibd ?? (await findIbd(opts.imzml));
  const id = `ds-${hashStrings(['ingest-v1', await fingerprint(opts.imzml), await fingerprint(ibdPath)])}`;
  const store = new FileSegmentStore(opts.root);
  if (opts.useCache) {
    const meta = await store.getMeta(id);
    const mask = meta && (await store.getBlob(id, BLOB_MASK));
    if (meta && mask) return { store, meta, mask, cached: true };
  }
  await store.delete(id); // a stale or half-written copy
  const imzml = await openSource(opts.imzml);
  const ibd = await openSource(ibdPath);
  try {
    const meta = await ingestDataset({
      imzml,
      ibd,
      store,
      id,
      name: opts.name,
      onProgress: opts.onProgress,
      signal: opts.signal,
      targetSegmentBytes: opts.targetSegmentBytes ?? 32 * 1024 * 1024,
    });
    const mask = await store.getBlob(id, BLOB_MASK);
    if (!mask) throw new Error(`dataset ${id}: the ingest wrote no sample mask`);
    return { store, meta, mask, cached: false };
  } finally {
    await (imzml as { close?: () => Promise<void> }).close?.();
    await (ibd as { close?: () => Promise<void> }).close?.();
  }
}
