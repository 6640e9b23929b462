/// <reference lib="webworker" />
// The page's service worker (issue 16 point 3), built by vite-plugin-pwa (injectManifest; see offlineApp() in
// vite.config.ts), which fills in the list of built files. It serves the page, its workers, the bundled databases
// and the example from the cache, so the page works with the network off after one visit. Files the page reads by
// byte ranges (the example's imzML/ibd through HttpSource) get 206 slices of the cached copy. The shipped
// centroid tables are cached when a job first fetches them. A new version waits until the page asks it to take
// over (SKIP_WAITING from workbox-window), so it never replaces the code under a running job.
import { cleanupOutdatedCaches, createHandlerBoundToURL, matchPrecache, precacheAndRoute } from 'workbox-precaching';
import { createPartialResponse } from 'workbox-range-requests';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { CacheFirst } from 'workbox-strategies';
import { ExpirationPlugin } from 'workbox-expiration';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (string | { url: string; revision: string | null })[] };

// Range reads of precached files: routes match in registration order, so this one comes before the precache's.
registerRoute(
  ({ request }) => request.method === 'GET' && request.headers.has('range'),
  async ({ request }) => {
    const full = await matchPrecache(request.url);
    return full ? createPartialResponse(request, full) : fetch(request);
  },
);

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();
registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html')));
registerRoute(
  ({ url }) => url.pathname.includes('/centroids/'),
  new CacheFirst({ cacheName: 'imzlens-centroid-tables', plugins: [new ExpirationPlugin({ maxEntries: 16 })] }),
);

self.addEventListener('message', (event) => {
  if ((event.data as { type?: string } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
});
