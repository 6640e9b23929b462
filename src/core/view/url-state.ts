// The page state that lives in the URL (share link / reload keeps the view): dataset, job, selected
// ion, filters, sort, colormap, scale, TIC normalisation. Only non-default values are written, so links stay short.
import { isColormap, type ColormapName } from './colormap.ts';
import { SCALE_MODES, type ScaleMode } from './scale.ts';
import { DEFAULT_FILTERS, DEFAULT_SORT, type RowFilters, type Sort, type SortKey } from './table.ts';

export interface ViewState {
  dataset: string | null;
  job: string | null;
  /** Selected annotation, as its ion string + database (unique within a job). */
  ion: string | null;
  filters: RowFilters;
  sort: Sort;
  cmap: ColormapName;
  inverted: boolean;
  scale: ScaleMode;
  /** Ion images TIC-normalised (intensity ÷ pixel TIC × 10⁶). */
  norm: boolean;
}

export const DEFAULT_VIEW: ViewState = {
  dataset: null, job: null, ion: null, filters: DEFAULT_FILTERS, sort: DEFAULT_SORT,
  cmap: 'viridis', inverted: false, scale: 'linear', norm: false,
};

const SORT_KEYS: SortKey[] = ['formula', 'adduct', 'mz', 'msm', 'fdr', 'spatial', 'spectral', 'chaos', 'mzErrRel', 'intensity'];

function num(s: string | null): number | null {
  if (s == null || s === '') return null;
  const v = Number(s);
  return Number.isFinite(v) ? v : null;
}

export function encodeView(v: ViewState): string {
  const p = new URLSearchParams();
  if (v.dataset) p.set('ds', v.dataset);
  if (v.job) p.set('job', v.job);
  if (v.ion) p.set('ion', v.ion);
  const f = v.filters;
  if (f.database) p.set('db', f.database);
  if (f.adduct) p.set('adduct', f.adduct);
  if (f.fdr !== DEFAULT_FILTERS.fdr) p.set('fdr', String(f.fdr));
  if (f.minMsm) p.set('msm', String(f.minMsm));
  if (f.mzMin != null) p.set('mzmin', String(f.mzMin));
  if (f.mzMax != null) p.set('mzmax', String(f.mzMax));
  if (f.search) p.set('q', f.search);
  if (v.sort.key !== DEFAULT_SORT.key || v.sort.desc !== DEFAULT_SORT.desc) p.set('sort', `${v.sort.desc ? '-' : ''}${v.sort.key}`);
  if (v.cmap !== 'viridis' || v.inverted) p.set('cmap', `${v.inverted ? '-' : ''}${v.cmap}`);
  if (v.scale !== 'linear') p.set('scale', v.scale);
  if (v.norm) p.set('norm', 'tic');
  return p.toString();
}

/** Parses a query string; unknown or malformed values fall back to the defaults. */
export function decodeView(query: string): ViewState {
  const p = new URLSearchParams(query);
  const fdr = num(p.get('fdr'));
  const sortRaw = p.get('sort') ?? '';
  const sortKey = sortRaw.replace(/^-/, '') as SortKey;
  const cmapRaw = p.get('cmap') ?? '';
  const cmapName = cmapRaw.replace(/^-/, '');
  const scale = p.get('scale') as ScaleMode | null;
  return {
    dataset: p.get('ds'),
    job: p.get('job'),
    ion: p.get('ion'),
    filters: {
      database: p.get('db') ?? '',
      adduct: p.get('adduct') ?? '',
      fdr: fdr != null && fdr > 0 && fdr <= 1 ? fdr : DEFAULT_FILTERS.fdr,
      minMsm: num(p.get('msm')) ?? 0,
      mzMin: num(p.get('mzmin')),
      mzMax: num(p.get('mzmax')),
      search: p.get('q') ?? '',
    },
    sort: SORT_KEYS.includes(sortKey) ? { key: sortKey, desc: sortRaw.startsWith('-') } : DEFAULT_SORT,
    cmap: isColormap(cmapName) ? cmapName : 'viridis',
    inverted: isColormap(cmapName) && cmapRaw.startsWith('-'),
    scale: scale && SCALE_MODES.includes(scale) ? scale : 'linear',
    // 'true' is METASPACE's older spelling of TIC normalisation
    norm: ['tic', 'TIC', 'true'].includes(p.get('norm') ?? ''),
  };
}

// Share links carry the bundle URL and the view in the fragment (`#bundle=<url>&ion=…&cmap=…`): a fragment
// never reaches a server, and a link never holds credentials (the bundle URL is either public or presigned).

/** Schemes a bundle link may use (no javascript:, data:, blob: or file: from an untrusted link). */
const BUNDLE_SCHEMES = new Set(['https:', 'http:']);

/** `bundle=<encoded url>` followed by the non-default view keys (dataset and job do not apply to a bundle). */
export function encodeShareFragment(bundleUrl: string, v: ViewState): string {
  const q = encodeView({ ...v, dataset: null, job: null });
  return `bundle=${encodeURIComponent(bundleUrl)}${q ? `&${q}` : ''}`;
}

export class ShareLinkError extends Error {
  override name = 'ShareLinkError';
}

/**
 * Reads a location hash. Returns null when it has no `bundle` key; throws ShareLinkError when the bundle
 * URL is not an absolute http(s) URL.
 */
export function decodeShareFragment(hash: string): { bundle: string; view: ViewState } | null {
  const h = hash.replace(/^#/, '');
  const p = new URLSearchParams(h);
  const raw = p.get('bundle');
  if (raw == null) return null;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new ShareLinkError(`the link's bundle address '${raw.slice(0, 200)}' is not a URL; ask for the link again`);
  }
  if (!BUNDLE_SCHEMES.has(u.protocol)) {
    throw new ShareLinkError(`the link's bundle address uses '${u.protocol}'; only http(s) addresses are opened`);
  }
  p.delete('bundle');
  // the address as written: re-serialising could change the encoding a presigned signature covers
  return { bundle: raw, view: { ...decodeView(p.toString()), dataset: null, job: null } };
}
