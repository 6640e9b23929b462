// Result bundles in the page: write one for the open job (images recomputed from the stored segments),
// open one from a file or an http(s) URL, and a short content hash for the shared object's name.
import { BundleError, DEFAULT_LIMITS, readBundle, writeBundle, type OpenedBundle } from '../../core/bundle/index.ts';
import type { AnnotationRow, JobResult } from '../../core/job/result.ts';
import type { DatasetMeta } from '../../core/types.ts';
import { datasetMask, ionImages } from './images.ts';
import { loadRois } from './roi.ts';

export type { OpenedBundle };
export { BundleError };

export async function createBundle(
  result: JobResult,
  meta: DatasetMeta,
  rows: AnnotationRow[],
  onProgress?: (done: number, total: number) => void,
): Promise<Uint8Array> {
  const mask = await datasetMask(meta);
  const ppm = result.params.ppm;
  return writeBundle({
    result,
    meta,
    mask,
    rows,
    getImages: (row) => ionImages(meta, row.centroidMzs, ppm),
    rois: await loadRois(meta.id),
    onProgress,
    appVersion: 'page',
  });
}

/** Hex of the first 8 bytes of SHA-256: a stable, collision-safe-enough object name suffix. */
export async function contentHash(bytes: Uint8Array): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  let s = '';
  for (let i = 0; i < 8; i++) s += d[i].toString(16).padStart(2, '0');
  return s;
}

const sizeText = (n: number) => `${(n / 1048576).toFixed(1)} MB`;

export async function openBundleFile(file: File, maxBytes = DEFAULT_LIMITS.maxBundleBytes): Promise<OpenedBundle> {
  // checked before a byte is read: an oversized file never reaches memory
  if (file.size > maxBytes) throw new BundleError(`${file.name} is ${sizeText(file.size)}, more than the ${sizeText(maxBytes)} a bundle may have; it was not opened`);
  const bytes = new Uint8Array(await file.arrayBuffer());
  try {
    return await readBundle(bytes);
  } catch (e) {
    throw new BundleError(`${file.name}: ${(e as Error).message}`);
  }
}

/**
 * Fetches a bundle (CORS, no cookies or credentials sent) and opens it. The size cap is enforced on the
 * declared Content-Length and again while streaming, so a lying server cannot exhaust memory.
 */
export async function openBundleUrl(url: string, maxBytes = DEFAULT_LIMITS.maxBundleBytes, signal?: AbortSignal): Promise<OpenedBundle> {
  const host = (() => { try { return new URL(url).host; } catch { return url.slice(0, 80); } })();
  let r: Response;
  try {
    r = await fetch(url, { mode: 'cors', credentials: 'omit', referrerPolicy: 'no-referrer', signal });
  } catch (e) {
    throw new BundleError(`could not fetch the bundle from ${host} (${(e as Error).message}); the server must allow this page's origin (CORS) and be reachable`);
  }
  if (!r.ok) throw new BundleError(`the bundle at ${host} answered HTTP ${r.status}${r.status === 403 ? ' (a presigned link may have expired; ask for a new one)' : ''}`);
  const declared = Number(r.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    await r.body?.cancel().catch(() => {});
    throw new BundleError(`the bundle at ${host} is ${sizeText(declared)}, more than the ${sizeText(maxBytes)} a bundle may have; it was not opened`);
  }
  const parts: Uint8Array[] = [];
  let n = 0;
  if (r.body) {
    const reader = r.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      n += value.length;
      if (n > maxBytes) {
        await reader.cancel().catch(() => {});
        throw new BundleError(`the bundle at ${host} is more than the ${sizeText(maxBytes)} a bundle may have; it was not opened`);
      }
      parts.push(value);
    }
  }
  const bytes = new Uint8Array(n);
  let o = 0;
  for (const p of parts) { bytes.set(p, o); o += p.length; }
  try {
    return await readBundle(bytes);
  } catch (e) {
    throw new BundleError(`bundle from ${host}: ${(e as Error).message}`);
  }
}

/** Row index in the bundle of every row object (the table filters/sorts the same objects). */
export function bundleRowIndex(opened: OpenedBundle): Map<AnnotationRow, number> {
  return new Map(opened.result.rows.map((r, i) => [r, i]));
}

/** FNV-1a over the float bits of images: equal hashes ⇔ (practically) bit-identical images. Test aid. */
export function imagesFingerprint(images: readonly Float32Array[]): string {
  let h = 0x811c9dc5;
  for (const img of images) {
    const u = new Uint32Array(img.buffer, img.byteOffset, img.length);
    for (let i = 0; i < u.length; i++) {
      h = Math.imul(h ^ u[i], 0x01000193) >>> 0;
    }
    h = Math.imul(h ^ img.length, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}
