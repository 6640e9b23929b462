import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';
import { readFileSync } from 'node:fs';
import type { Plugin } from 'vite';

// The AWS SDK's browser build parses S3's XML answers with DOMParser, which Web Workers lack (the page's job worker
// runs LambdaPool / S3SegmentStore: "DOMParser is not defined"). The SDK's other XML parser is plain JS, so use it
// everywhere.
function sdkXmlParserWithoutDom(): Plugin {
  return {
    name: 'imzlens-sdk-xml-parser',
    load(id) {
      if (!/[\\/]@aws-sdk[\\/]xml-builder[\\/]dist-es[\\/]xml-parser\.browser\.js$/.test(id)) return null;
      return readFileSync(id.replace(/xml-parser\.browser\.js$/, 'xml-parser.js'), 'utf8');
    },
  };
}

export default defineConfig({
  plugins: [svelte(), sdkXmlParserWithoutDom()],
  worker: { format: 'es', plugins: () => [sdkXmlParserWithoutDom()] },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 2000,
    // harness.html: a small test page that exposes browser-side modules (IndexedDB store…) to Playwright.
    rolldownOptions: { input: { main: 'index.html', harness: 'harness.html' } },
  },
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
