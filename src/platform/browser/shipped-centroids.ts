// The page's reader of the centroid tables shipped in public/centroids/ (core/chem/shipped-centroids.ts): fetched
// only when a job's cache key is listed in index.json (lazy: a job on another DB, adduct set or RP downloads
// nothing), gunzipped by the browser's DecompressionStream.
import { decodeCentroidTable, type CachedCentroidTable } from '../../core/chem/centroid-cache.ts';
import { ShippedCentroidCache, type ShippedCentroidEntry } from '../../core/chem/shipped-centroids.ts';

async function gunzip(r: Response): Promise<Uint8Array> {
  if (!r.body) throw new Error('empty response');
  return new Uint8Array(await new Response(r.body.pipeThrough(new DecompressionStream('gzip'))).arrayBuffer());
}

/** `base`: absolute URL of the centroids folder, ending in '/'. */
export function fetchShippedCentroids(base: URL): ShippedCentroidCache {
  return new ShippedCentroidCache(
    async () => {
      const r = await fetch(new URL('index.json', base));
      return r.ok ? ((await r.json()) as ShippedCentroidEntry[]) : null;
    },
    async (e): Promise<CachedCentroidTable> => {
      const url = new URL(e.file, base);
      const r = await fetch(url);
      if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
      return decodeCentroidTable(await gunzip(r), `shipped centroid table ${e.file}`);
    },
  );
}
