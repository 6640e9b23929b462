// The METASPACE-ML models imzlens ships (docs/metaspace-ml.md): which file, and loading it on demand.
// The model data (~1 MB of JSON each) is imported dynamically so it never sits in a bundle that does not run v3:
// Vite splits it into its own chunk for the page and workers, tsx (CLI) and esbuild (Lambda bundle) read it as a
// JSON module.
import { compileModel, type ObliviousModel } from '../catboost/oblivious.ts';
import type { MetaspaceMlKind } from './metaspace-ml-info.ts';

export { METASPACE_ML_MODELS, type MetaspaceMlKind, type MetaspaceMlModelInfo } from './metaspace-ml-info.ts';

const LOADERS: Record<MetaspaceMlKind, () => Promise<{ default: unknown }>> = {
  animal: () => import('./data/metaspace-ml-animal.v2.2023-12-14.json', { with: { type: 'json' } }),
  plant: () => import('./data/metaspace-ml-plant.v2.2023-12-14.json', { with: { type: 'json' } }),
};

const cache = new Map<MetaspaceMlKind, Promise<ObliviousModel>>();

/** The compiled model of one kind, loaded once per process. */
export function loadMetaspaceMl(kind: MetaspaceMlKind): Promise<ObliviousModel> {
  const load = LOADERS[kind];
  if (!load) return Promise.reject(new Error(`unknown METASPACE-ML model '${kind}': this build has ${Object.keys(LOADERS).join(', ')}`));
  let p = cache.get(kind);
  if (!p) {
    p = load().then((m) => compileModel(m.default));
    cache.set(kind, p);
  }
  return p;
}
