// Share mode: a share link (#bundle=…) or a bundle file opens a read-only "shared result". The page then never reads
// the dataset library (IndexedDB) or the cloud settings, so an untrusted bundle cannot reach them.
import { decodeShareFragment, type ViewState } from '../../core/view/url-state.ts';
import { bundleRowIndex, openBundleFile, openBundleUrl, type OpenedBundle } from '../services/bundles.ts';
import type { AppState } from './app.svelte.ts';
import { rowId } from './job.svelte.ts';

/** The share link in the page's address, read once at start (a bad link: `error`). */
function readLink(): { linked: { bundle: string; view: ViewState } | null; error: string } {
  try {
    return { linked: decodeShareFragment(location.hash), error: '' };
  } catch (e) {
    return { linked: null, error: (e as Error).message };
  }
}

export class ShareState {
  private readonly app: AppState;
  readonly linked: { bundle: string; view: ViewState } | null;
  /** Opened from a share link, good or bad: the library stays closed. */
  readonly fromLink: boolean;
  /** The opened bundle (from the link or a file). */
  bundle = $state.raw<OpenedBundle | null>(null);
  /** Where it came from, for the banner: the link's host or the file's name. */
  from = $state('');
  busy = $state(false);
  error = $state('');
  readonly mode = $derived(this.isShared());
  /** Row → its index in the bundle (the table filters and sorts the same row objects). */
  readonly rowIndex = $derived(this.bundle ? bundleRowIndex(this.bundle) : null);

  constructor(app: AppState) {
    this.app = app;
    const { linked, error } = readLink();
    this.linked = linked;
    this.fromLink = linked !== null || error !== '';
    if (error) this.error = `This share link cannot be opened: ${error}`;
  }

  private isShared(): boolean {
    return this.fromLink || this.bundle !== null;
  }

  /** Pasting another share link into this tab starts afresh from it. Returns the cleanup. */
  watchLinks(): () => void {
    const onHash = () => { if (/(^#|&)bundle=/.test(location.hash)) location.reload(); };
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }

  async openLinked(url: string): Promise<void> {
    this.busy = true;
    try {
      const b = await openBundleUrl(url);
      this.show(b, (() => { try { return new URL(url).host; } catch { return 'a link'; } })());
    } catch (e) {
      this.error = (e as Error).message;
    } finally {
      this.busy = false;
    }
  }

  /** A bundle dropped or picked in the open-data panel. */
  async openFile(file: File): Promise<void> {
    const library = this.app.library;
    library.messages = [];
    try {
      this.show(await openBundleFile(file), file.name);
    } catch (e) {
      library.messages = [(e as Error).message];
    }
  }

  private show(b: OpenedBundle, from: string): void {
    const { view, job, viewer } = this.app;
    const keepIon = view.ion && b.result.rows.some((r) => rowId(r) === view.ion);
    viewer.clearImages();
    job.message = '';
    this.error = '';
    job.showResult(b.result);
    this.bundle = b;
    this.from = from;
    view.dataset = null;
    view.job = null;
    if (!keepIon) view.ion = null;
  }

  /** Back to the user's own library: a fresh page without the link. */
  leave(): void {
    location.href = location.pathname;
  }
}
