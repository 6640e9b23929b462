// The page's reader of the centroid tables shipped in public/centroids/ (core/chem/shipped-centroids.ts): fetched
// only when a job's cache key is listed in index.json (lazy: a job on another DB, adduct set or RP downloads
// nothing), gunzipped by the browser's DecompressionStream.
import { decodeCentroidTable, type CachedCentroidTable } from '../../core/chem/centroid-cache.ts';
import { ShippedCentroidCache, type ShippedCentroidEntry } from '../../core/chem/shipped-centroids.ts';

/** The table's bytes: gunzipped here unless the server already decoded them (hosts such as vite preview send
 *  a .gz file with Content-Encoding: gzip, so fetch hands over the plain bytes; others send it as is). */
async function tableBytes(r: Response): Promise<Uint8Array> {
  const raw = new Uint8Array(await r.arrayBuffer());
  if (raw[0] !== 0x1f || raw[1] !== 0x8b) return raw; // not gzip ("IZCT" magic): already decoded
  return new Uint8Array(await new Response(new Blob([raw]).stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer());
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
      return decodeCentroidTable(await tableBytes(r), `shipped centroid table ${e.file}`);
    },
    (err, e) => console.warn(`shipped centroid table ${e.file} not used (computing the centroids instead): ${String(err)}`),
  );
}
