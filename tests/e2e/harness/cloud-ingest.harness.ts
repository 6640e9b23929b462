// Harness: ion images of library datasets through the page's own services (services/images.ts → storeFor), so
// Playwright can compare a cloud dataset (segments read from S3) with the same pair ingested in this browser.
import { listDatasets } from '../../../src/app/services/datasets.ts';
import { ionImages } from '../../../src/app/services/images.ts';
import { isCloudDataset } from '../../../src/app/services/store.ts';

export const api = {
  /** For every library dataset named `name`: whether it is a cloud dataset, and its ion image at mz ± ppm. */
  async ionImagesByName(name: string, mz: number, ppm: number) {
    const out: { id: string; cloud: boolean; nSegments: number; values: number[] }[] = [];
    for (const meta of await listDatasets()) {
      if (meta.name !== name) continue;
      const [img] = await ionImages(meta, [mz], ppm);
      out.push({ id: meta.id, cloud: await isCloudDataset(meta), nSegments: meta.segments.length, values: Array.from(img) });
    }
    return out;
  },
};
