// The page's state, one module per concern (share mode, URL, library, job, viewer). AppState builds them; each
// reaches its siblings through it when it acts (the concerns hand work to each other: opening a bundle clears the
// viewer, choosing a dataset clears the job…). Build it while App initialises: the modules' effects need an owner.
import { registerOfflineApp } from '../../platform/browser/service-worker.ts';
import { JobState } from './job.svelte.ts';
import { LibraryState } from './library.svelte.ts';
import { ShareState } from './share.svelte.ts';
import { UrlSync } from './url-sync.svelte.ts';
import { ViewerState } from './viewer.svelte.ts';

export class AppState {
  readonly share: ShareState;
  readonly url: UrlSync;
  readonly library: LibraryState;
  readonly job: JobState;
  readonly viewer: ViewerState;
  /** Set when a new version of the page is installed and waiting: calling it switches and reloads. */
  update = $state.raw<(() => void) | null>(null);
  /** True once the page is cached for offline use. */
  offlineReady = $state(false);

  constructor() {
    this.share = new ShareState(this);
    this.url = new UrlSync(this);
    this.library = new LibraryState(this);
    this.job = new JobState(this);
    this.viewer = new ViewerState(this);
    // effects in the order they depend on each other: URL ← view; dataset → mask, TIC and jobs;
    // job → result; result → default selection; selection → images
    this.url.connect();
    this.viewer.followDataset();
    this.job.followDataset();
    this.job.followJob();
    this.job.followRows();
    this.viewer.followSelection();
  }

  /** What the page shows and keeps in its URL (dataset, job, ion, filters, sort, colours). */
  get view() {
    return this.url.view;
  }

  /** After mount: open the share link, or read the library. Returns the cleanup. */
  start(): () => void {
    const stop = this.share.watchLinks();
    if (this.share.fromLink) {
      if (this.share.linked) this.share.openLinked(this.share.linked.bundle);
    } else {
      this.library.load();
    }
    void registerOfflineApp({
      onUpdate: (activate) => (this.update = activate),
      onOfflineReady: () => (this.offlineReady = true),
      onError: (m) => console.warn(m),
    });
    return stop;
  }
}
