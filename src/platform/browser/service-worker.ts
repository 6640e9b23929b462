// The offline service worker (built by vite-plugin-pwa into sw.js; see offlineApp() in vite.config.ts), registered
// with workbox-window. A new version does not take over by itself: `onUpdate` is told that one is waiting, and
// the page decides when to switch (never under a running job). Registration failures are reported, not thrown:
// the page works without a service worker, only not offline.
export interface ServiceWorkerHooks {
  /** A new version is installed and waiting; `activate()` switches to it and reloads the page. */
  onUpdate(activate: () => void): void;
  /** The page and its assets are cached: it will open with the network off. */
  onOfflineReady?(): void;
  onError?(message: string): void;
}

export async function registerOfflineApp(hooks: ServiceWorkerHooks): Promise<void> {
  if (!__IMZLENS_PWA__ || !('serviceWorker' in navigator) || location.protocol === 'file:') return;
  try {
    const { Workbox } = await import('workbox-window');
    const wb = new Workbox(new URL('sw.js', document.baseURI).href, { scope: new URL('./', document.baseURI).pathname });
    wb.addEventListener('waiting', () => {
      hooks.onUpdate(() => {
        wb.addEventListener('controlling', () => location.reload());
        wb.messageSkipWaiting();
      });
    });
    wb.addEventListener('activated', (e) => {
      if (!e.isUpdate) hooks.onOfflineReady?.();
    });
    await wb.register();
    // a later visit: the page is already served by an active worker
    if (navigator.serviceWorker.controller) hooks.onOfflineReady?.();
  } catch (e) {
    hooks.onError?.(`offline use is not available in this browser session: ${(e as Error).message}`);
  }
}
