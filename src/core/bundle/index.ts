// Result bundles: one file that carries a job's table, isotope images, mask and metadata (no spectra).
export { BundleError } from './errors.ts';
export { BUNDLE_FORMAT, BUNDLE_VERSION, BUNDLE_EXTENSION, BUNDLE_MEDIA_TYPE, DEFAULT_LIMITS, DEFAULT_MAX_FDR, bundleFileName } from './format.ts';
export type { BundleLimits, BundleManifest } from './format.ts';
export { writeBundle, defaultRows, type WriteBundleInput } from './write.ts';
export { readBundle, type OpenedBundle } from './read.ts';
export { imagesFromSegments, imagesFromStore } from './images-source.ts';
