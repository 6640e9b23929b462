// Cloud datasets for the page: which CloudConfig is current, and the calls the components make. The work is in
// platform code: location records in platform/browser/cloud-dataset-store.ts, library registration and store
// resolution in platform/browser/cloud-library.ts + platform/cloud/location.ts, the serverless ingest in
// platform/browser/cloud-ingest.ts, user-facing error texts in platform/cloud/errors.ts.
import type { CloudConfig } from '../../platform/cloud/config.ts';
import { clearCloudStoreCache, cloudSegmentStore } from '../../platform/cloud/location.ts';
import { deleteCloudLocation, getCloudLocation, listCloudLocationRecords } from '../../platform/browser/cloud-dataset-store.ts';
import type { CloudLocation } from '../../platform/cloud/location.ts';

export type { CloudLocation };
export { cloudSegmentStore };
export { cloudProblem, explainCloudError } from '../../platform/cloud/errors.ts';
export { BLOB_CLOUD_SEGMENTS, registerCloudDataset, resolveDatasetStore, withCloudSegments } from '../../platform/browser/cloud-library.ts';
export {
  ingestPairInCloud, STOPPED_INGEST_MESSAGE, STOPPED_MESSAGE, UPLOAD_PART_KEY,
  type CloudIngestHandle, type CloudIngestOptions, type CloudIngestStatus,
} from '../../platform/browser/cloud-ingest.ts';
export { idbUploadStateStore } from '../../platform/browser/upload-state-store.ts';

export async function cloudLocation(datasetId: string): Promise<CloudLocation | null> {
  return getCloudLocation(datasetId);
}

export async function listCloudLocations(): Promise<Map<string, CloudLocation>> {
  return listCloudLocationRecords();
}

export async function forgetCloudLocation(datasetId: string): Promise<void> {
  await deleteCloudLocation(datasetId);
}

// ---- page side: current settings ------------------------------------------------------------------------------

/**
 * Until the cloud settings form provides a CloudConfig (`toCloudConfig`), the page reads one from this
 * localStorage key (JSON of CloudConfig; a developer/test seam — the e2e test puts the local stack's config here).
 */
export const CLOUD_CONFIG_KEY = 'imzlens-cloud-config';

let provider: (() => CloudConfig | null) | null = null;

/** The settings form registers its source of truth here; it wins over the localStorage seam. */
export function setCloudConfigProvider(p: (() => CloudConfig | null) | null): void {
  provider = p;
  clearCloudStoreCache();
}

export function currentCloudConfig(): CloudConfig | null {
  const fromProvider = provider?.();
  if (fromProvider) return fromProvider;
  try {
    const raw = globalThis.localStorage?.getItem(CLOUD_CONFIG_KEY);
    return raw ? (JSON.parse(raw) as CloudConfig) : null;
  } catch {
    return null;
  }
}
