// The Node worker thread's entry as one esbuild bundle, built once per process: starting a worker from it
// takes tens of milliseconds, against ~1 s when every worker compiles the TypeScript sources through tsx.
// Falls back to the tsx entry when esbuild is unavailable.
import { buildSync } from 'esbuild';
import { unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

let entry: URL | null = null;

export function workerEntry(): URL {
  if (entry) return entry;
  const outfile = join(tmpdir(), `imzlens-worker-${process.pid}-${Date.now().toString(36)}.mjs`);
  try {
    buildSync({
      entryPoints: [fileURLToPath(new URL('./node-worker-main.ts', import.meta.url))],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile,
      logLevel: 'silent',
      // a bundled ESM file still needs `require` for CommonJS dependencies
      banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    });
    process.once('exit', () => {
      try {
        unlinkSync(outfile);
      } catch {
        /* already gone */
      }
    });
    entry = pathToFileURL(outfile);
  } catch {
    entry = new URL('./node-worker.mjs', import.meta.url);
  }
  return entry;
}
