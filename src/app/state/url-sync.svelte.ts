// The view state (dataset, job, ion, filters, sort, colours) and its copy in the address bar: the query string for
// the user's own data, the #bundle= fragment for a share link. replaceState: the back button is not flooded by every
// filter keystroke.
import { decodeView, encodeShareFragment, encodeView, type ViewState } from '../../core/view/url-state.ts';
import type { AppState } from './app.svelte.ts';


export class UrlSync {
  private readonly app: AppState;
  view: ViewState;

  constructor(app: AppState) {
    this.app = app;
    const linked = app.share.linked;
    this.view = $state<ViewState>(linked ? linked.view : decodeView(location.search));
  }

  /** URL ← state. */
  connect(): void {
    $effect(() => {
      const share = this.app.share;
      if (share.mode) {
        // a linked bundle keeps its link (with the current view) in the address bar; a bundle from a file has none
        if (share.linked) history.replaceState(null, '', `${location.pathname}#${encodeShareFragment(share.linked.bundle, this.view)}`);
        return;
      }
      const q = new URLSearchParams(encodeView(this.view));
      const s = q.toString();
      history.replaceState(null, '', s ? `?${s}` : location.pathname);
    });
  }
}
