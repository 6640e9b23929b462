// Test-only Vite config: builds the e2e harness page (harness.html + *.harness.ts, which expose browser modules on
// `window.imzlensHarness`) with the test-only worker tasks switched on, into its own folder (never into dist/).
// `vite preview --config tests/e2e/harness/vite.config.ts --outDir <dist>` then serves the product build with the
// harness next to it: /harness.html and /harness-assets/* come from the harness folder, everything else from dist.
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig, type Plugin } from 'vite';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sdkXmlParserWithoutDom } from '../../../vite.config.ts';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../../..');
/** Where the harness build goes ($E2E_HARNESS_DIST lets several worktrees/ports build side by side). */
export const HARNESS_OUT = resolve(repo, process.env.E2E_HARNESS_DIST ?? 'dist-harness');
const ASSETS = 'harness-assets';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.map': 'application/json', '.wasm': 'application/wasm', '.json': 'application/json',
};

/** Preview middleware: the harness page and its assets from HARNESS_OUT, ahead of the product build's files. */
function serveHarness(): Plugin {
  return {
    name: 'imzlens-serve-harness',
    configurePreviewServer(server) {
      server.middlewares.use((req, res, next) => {
        const path = decodeURIComponent((req.url ?? '/').split('?')[0]);
        if (path !== '/harness.html' && !path.startsWith(`/${ASSETS}/`)) return next();
        const file = join(HARNESS_OUT, path);
        if (!file.startsWith(HARNESS_OUT) || !existsSync(file) || !statSync(file).isFile()) {
          res.statusCode = 404;
          return res.end(`not in the harness build (${HARNESS_OUT}): ${path}`);
        }
        res.setHeader('Content-Type', TYPES[extname(file)] ?? 'application/octet-stream');
        res.setHeader('Cache-Control', 'no-cache');
        createReadStream(file).pipe(res);
      });
    },
  };
}

export default defineConfig({
  root: here,
  publicDir: false, // the datasets in public/ are served from the product build
  plugins: [svelte(), sdkXmlParserWithoutDom(), serveHarness()],
  worker: { format: 'es', plugins: () => [sdkXmlParserWithoutDom()] },
  define: { __IMZLENS_TEST_TASKS__: 'true', __IMZLENS_PWA__: 'false' },
  server: { fs: { allow: [repo] } },
  build: {
    target: 'es2022',
    outDir: HARNESS_OUT,
    emptyOutDir: true,
    assetsDir: ASSETS,
    chunkSizeWarningLimit: 4000,
    rolldownOptions: { input: { harness: join(here, 'harness.html') } },
  },
});
