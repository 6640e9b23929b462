import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';
import { readFileSync } from 'node:fs';
import type { Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

// The AWS SDK's browser build parses S3's XML answers with DOMParser, which Web Workers lack (the page's job worker
// runs LambdaPool / S3SegmentStore: "DOMParser is not defined"). The SDK's other XML parser is plain JS, so use it
// everywhere.
export function sdkXmlParserWithoutDom(): Plugin {
  return {
    name: 'imzlens-sdk-xml-parser',
    load(id) {
      if (!/[\\/]@aws-sdk[\\/]xml-builder[\\/]dist-es[\\/]xml-parser\.browser\.js$/.test(id)) return null;
      return readFileSync(id.replace(/xml-parser\.browser\.js$/, 'xml-parser.js'), 'utf8');
    },
  };
}

// Offline and installable (issue 16 point 3): the service worker src/platform/browser/sw.ts precaches the built page,
// its workers, the bundled databases and the example dataset (the list is injected here), so after one visit the page
// works with the network off; the shipped centroid tables (11 MB, only some jobs use them) are cached when first
// fetched. A new version waits until the user reloads (src/platform/browser/service-worker.ts, the header's banner),
// so an update never replaces the code of an open job.
export function offlineApp(): Plugin[] {
  return VitePWA({
    registerType: 'prompt',
    injectRegister: false,
    manifest: {
      name: 'imzlens — imaging MS annotation',
      short_name: 'imzlens',
      description: 'Annotate imaging mass spectrometry data (imzML) in your browser with METASPACE scoring.',
      start_url: './',
      scope: './',
      display: 'standalone',
      background_color: '#ffffff',
      theme_color: '#18212b',
      icons: [
        { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
        { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
      ],
    },
    strategies: 'injectManifest',
    srcDir: 'src/platform/browser',
    filename: 'sw.ts',
    injectManifest: {
      globPatterns: ['**/*.{js,css,html,svg,wasm,json}', 'db/*.gz', 'example/*'],
      globIgnores: ['centroids/**'],
      // the example's ibd and the largest worker bundles are a few MB each
      maximumFileSizeToCacheInBytes: 16 * 1024 * 1024,
      // a classic script (no deprecated inlineDynamicImports), built as quietly as the page (see quietTimings)
      rollupFormat: 'iife',
      buildPlugins: { vite: [{ name: 'imzlens-quiet-sw-build', config: () => ({ logLevel: 'warn' as const }) }] },
    },
  });
}

// Rolldown warns when plugins take long, which on a busy machine is every build: a timing, not a problem in the
// bundle. Off, so a warning in `npm run build` always means something (tests/integration/product-bundles.test.ts).
const quietTimings = { checks: { bundlerTimings: false } };

export default defineConfig({
  // Relative asset URLs: the built dist/ works from any static host and any sub-path (user.github.io/imzlens/).
  base: './',
  plugins: [svelte(), sdkXmlParserWithoutDom(), offlineApp()],
  // The product never has test-only tasks; the e2e harness build (tests/e2e/harness/vite.config.ts) sets true.
  define: { __IMZLENS_TEST_TASKS__: 'false', __IMZLENS_PWA__: 'true' },
  worker: { format: 'es', plugins: () => [sdkXmlParserWithoutDom()], rolldownOptions: quietTimings },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 2000,
    rolldownOptions: quietTimings,
  },
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts'],
    environment: 'node',
    // test-only tasks (segment-stats…) in this process (setup file) and in the Node worker threads it starts
    setupFiles: ['tests/setup/test-tasks.ts'],
    env: { IMZLENS_TEST_TASKS: '1' },
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
