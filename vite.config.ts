import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';
import { readFileSync } from 'node:fs';
import type { Plugin } from 'vite';

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

// Rolldown warns when plugins take long, which on a busy machine is every build: a timing, not a problem in the
// bundle. Off, so a warning in `npm run build` always means something (tests/integration/product-bundles.test.ts).
const quietTimings = { checks: { bundlerTimings: false } };

export default defineConfig({
  // Relative asset URLs: the built dist/ works from any static host and any sub-path (user.github.io/imzlens/).
  base: './',
  plugins: [svelte(), sdkXmlParserWithoutDom()],
  // The product never has test-only tasks; the e2e harness build (tests/e2e/harness/vite.config.ts) sets true.
  define: { __IMZLENS_TEST_TASKS__: 'false' },
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
