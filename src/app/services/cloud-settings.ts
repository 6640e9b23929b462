// The page's cloud settings: kept in this module's memory, and in localStorage only when the user ticks "remember"
// (keys included). Nothing here is read while a bundle from a link is shown. Validation, the CloudConfig they
// describe, share uploads, "Test connection" and Lambda pricing are platform code (src/platform/cloud/), re-exported
// here for the components; none of it loads the AWS SDK before it is used.
import type { CloudConfig } from '../../platform/cloud/config.ts';
import {
  checkJobSettings, cognitoCredentialProvider, completeSettings, EMPTY_CLOUD_SETTINGS, toCloudConfig,
  type CloudSettings, type ShareSettings,
} from '../../platform/cloud/settings.ts';
import { setCloudConfigProvider } from './cloud-datasets.ts';

export {
  checkJobSettings, checkShareSettings, completeSettings, settingsCredentials, toCloudConfig,
  type CloudSettings, type ShareSettings,
} from '../../platform/cloud/settings.ts';
export { EXPIRY_CHOICES, presignedBundleUrl, publicObjectUrl, sharedObjectKey, uploadBundle } from '../../platform/cloud/share.ts';
export { describeAwsError, testConnection, type ConnectionCheck } from '../../platform/cloud/connection.ts';
export { describeRunOn, lambdaRunOn, type RunOn, type StageCost } from '../../platform/cloud/pricing.ts';

export const SHARE_SETTINGS_KEY = 'imzlens-share-settings';

let inMemory: CloudSettings | null = null;

export function loadShareSettings(): CloudSettings {
  if (inMemory) return { ...inMemory };
  try {
    const raw = localStorage.getItem(SHARE_SETTINGS_KEY);
    if (raw) return completeSettings({ ...(JSON.parse(raw) as object), remember: true });
  } catch {
    // unreadable settings: start empty
  }
  return { ...EMPTY_CLOUD_SETTINGS };
}

export const loadCloudSettings = loadShareSettings;

export function saveShareSettings(s: ShareSettings & Partial<CloudSettings>): void {
  inMemory = completeSettings(s as Partial<Record<keyof CloudSettings, unknown>>);
  if (s.remember) localStorage.setItem(SHARE_SETTINGS_KEY, JSON.stringify(inMemory));
  else localStorage.removeItem(SHARE_SETTINGS_KEY);
}

export const saveCloudSettings = saveShareSettings;

let cognito: { id: string; provider: NonNullable<CloudConfig['credentialProvider']> } | null = null;

/**
 * The CloudConfig of the current settings for the page's other cloud features (serverless ingest, cloud datasets;
 * cloud-datasets.ts asks through setCloudConfigProvider), or null while they are not usable. With an identity
 * pool the config carries a credentialProvider (a function: main thread only, it cannot be posted to a worker).
 */
export function currentSettingsConfig(): CloudConfig | null {
  const s = loadShareSettings();
  if (checkJobSettings(s).length) return null;
  const cfg = toCloudConfig(s);
  if (s.credentialMode === 'cognito') {
    const id = s.identityPoolId.trim();
    if (cognito?.id !== id) cognito = { id, provider: cognitoCredentialProvider(id) };
    cfg.credentialProvider = cognito.provider;
  }
  return cfg;
}
setCloudConfigProvider(currentSettingsConfig);
