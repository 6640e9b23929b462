// Regions of interest of the dataset on screen: the list (kept in IndexedDB with the dataset, or in memory for a
// shared bundle's ROIs, which never touch the library), the drawing mode the overlay follows, the message of the
// last refused shape, and each ROI's sample pixels (computed once per ROI object). Other tools add ROIs through
// `addRois` (segmentation exports its segments that way).
import { roiPixels, RoiError } from '../../../core/analysis/roi.ts';
import type { Roi, RoiShape } from '../../../core/analysis/roi-types.ts';
import { loadRois, saveRois } from '../../services/roi.ts';
import { guardUnload } from '../../services/unload-guard.ts';

/** Distinct colours for new ROIs, in turn (a Tableau-like qualitative palette). */
export const ROI_COLORS = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#42d4f4', '#f032e6', '#9a6324', '#808000', '#000075'];

export type DrawMode = 'none' | 'rect' | 'polygon';

/** An ROI's sample pixels, or why it has none. */
export type RoiPixels = { pixels: Uint32Array; error?: undefined } | { pixels?: undefined; error: string };

class RoiManager {
  /** ROIs per dataset id. */
  private lists = $state.raw<Record<string, Roi[]>>({});
  /** Datasets whose ROIs live in memory only (a shared bundle's). */
  private memoryOnly = new Set<string>();
  private loading = new Map<string, Promise<void>>();
  mode = $state<DrawMode>('none');
  /** Why the last drawn shape was refused (or a storage failure); '' when all is well. */
  message = $state('');
  /** IndexedDB writes in flight (leaving the page meanwhile asks first: services/unload-guard.ts). */
  saving = $state(0);
  private pixelCache = new WeakMap<Roi, { key: string; value: RoiPixels }>();

  list(datasetId: string): Roi[] {
    return this.lists[datasetId] ?? [];
  }

  /** Reads a dataset's ROIs from IndexedDB once (a no-op for memory-only datasets). */
  load(datasetId: string): Promise<void> {
    if (this.memoryOnly.has(datasetId)) return Promise.resolve();
    let p = this.loading.get(datasetId);
    if (!p) {
      p = loadRois(datasetId).then((list) => {
        // ROIs added while the read was in flight come after the stored ones
        this.lists = { ...this.lists, [datasetId]: [...list, ...(this.lists[datasetId] ?? []).filter((r) => !list.some((s) => s.id === r.id))] };
      }).catch((e: Error) => { this.message = `Could not read the regions of interest: ${e.message}`; });
      this.loading.set(datasetId, p);
    }
    return p;
  }

  /** A shared bundle's ROIs: shown and editable, but kept in memory only (a bundle never reaches the library). */
  useMemory(datasetId: string, rois: Roi[]): void {
    if (this.memoryOnly.has(datasetId)) return;
    this.memoryOnly.add(datasetId);
    this.lists = { ...this.lists, [datasetId]: rois };
  }

  isMemoryOnly(datasetId: string): boolean {
    return this.memoryOnly.has(datasetId);
  }

  private async set(datasetId: string, list: Roi[]): Promise<void> {
    this.lists = { ...this.lists, [datasetId]: list };
    if (this.memoryOnly.has(datasetId)) return;
    this.saving++;
    try {
      await guardUnload(() => saveRois(datasetId, list));
    } catch (e) {
      this.message = `The regions of interest could not be stored in this browser: ${(e as Error).message}`;
    } finally {
      this.saving--;
    }
  }

  nextColor(datasetId: string, k = 0): string {
    return ROI_COLORS[(this.list(datasetId).length + k) % ROI_COLORS.length];
  }

  nextName(datasetId: string, k = 0): string {
    const names = new Set(this.list(datasetId).map((r) => r.name));
    for (let i = this.list(datasetId).length + 1 + k; ; i++) if (!names.has(`ROI ${i}`)) return `ROI ${i}`;
  }

  async add(datasetId: string, rois: Roi[]): Promise<void> {
    await this.load(datasetId);
    const taken = new Set(this.list(datasetId).map((r) => r.id));
    const fresh = rois.map((r) => (taken.has(r.id) ? { ...r, id: newRoiId() } : r));
    await this.set(datasetId, [...this.list(datasetId), ...fresh]);
  }

  /** A shape the user drew: checked (self-intersection, no sample pixels) before it is kept; false = refused. */
  addDrawn(datasetId: string, shape: RoiShape, width: number, height: number, mask: Uint8Array | null): boolean {
    try {
      roiPixels(shape, width, height, mask);
    } catch (e) {
      if (!(e instanceof RoiError)) throw e;
      this.message = `Not added: ${e.message}.`;
      return false;
    }
    this.message = '';
    void this.add(datasetId, [{ id: newRoiId(), name: this.nextName(datasetId), color: this.nextColor(datasetId), shape }]);
    return true;
  }

  update(datasetId: string, id: string, change: Partial<Pick<Roi, 'name' | 'color'>>): Promise<void> {
    return this.set(datasetId, this.list(datasetId).map((r) => (r.id === id ? { ...r, ...change } : r)));
  }

  remove(datasetId: string, id: string): Promise<void> {
    return this.set(datasetId, this.list(datasetId).filter((r) => r.id !== id));
  }

  /** The ROI's sample pixels on this grid (memoised per ROI object and grid). */
  pixels(roi: Roi, width: number, height: number, mask: Uint8Array | null): RoiPixels {
    const key = `${width}x${height}|${mask?.length ?? 0}`;
    const hit = this.pixelCache.get(roi);
    if (hit && hit.key === key) return hit.value;
    let value: RoiPixels;
    try {
      value = { pixels: roiPixels(roi.shape, width, height, mask) };
    } catch (e) {
      value = { error: (e as Error).message };
    }
    this.pixelCache.set(roi, { key, value });
    return value;
  }
}

export function newRoiId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(6)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The page's one ROI state. */
export const roiState = new RoiManager();

/** Adds ROIs to a dataset (kept with it); ids already taken get new ones. Segmentation calls this. */
export function addRois(datasetId: string, rois: Roi[]): Promise<void> {
  return roiState.add(datasetId, rois);
}
