// Bundles the Lambda handler with esbuild (ESM, Node 20, AWS SDK included so the bundle does not depend on the
// runtime's SDK version). Two kinds:
// - the local test bundle cloud/dist/handler.mjs (what the local stack and the tests run): with the diagnostic and
//   test-only tasks (cloud-echo/alloc/sleep/fail, segment-stats; __IMZLENS_TEST_TASKS__ = true);
// - the release bundle cloud/dist/release/handler.mjs (+ handler.zip), what cloud:deploy uploads: without them
//   (__IMZLENS_TEST_TASKS__ = false, so esbuild drops that code).
// Usage: node cloud/build.mjs [--release [--zip] [--minify] [--diagnostics]]   (also imported: buildHandler(), deploy.mjs)
// --diagnostics keeps the diagnostic tasks in a release bundle, for measuring a real AWS account by hand (docs/scaling.md);
// cloud:deploy never sets it.
import { build } from 'esbuild';
import { zipSync } from 'fflate';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const DIST = join(here, 'dist');
export const HANDLER_BUNDLE = join(DIST, 'handler.mjs');
export const RELEASE_DIST = join(DIST, 'release');

/** Builds the local test bundle, or with `release` the deployable one (and the zip when `zip`); returns the paths. */
export async function buildHandler({ release = false, zip = false, minify = false, diagnostics = false } = {}) {
  const dir = release ? RELEASE_DIST : DIST;
  const bundle = join(dir, 'handler.mjs');
  mkdirSync(dir, { recursive: true });
  const result = await build({
    entryPoints: [join(here, 'handler.ts')],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    minify,
    sourcemap: true,
    metafile: true,
    write: false,
    logLevel: 'warning',
    define: { __IMZLENS_TEST_TASKS__: release && !diagnostics ? 'false' : 'true' },
    // Some SDK dependencies are CommonJS and call require() for Node built-ins.
    banner: { js: "import { createRequire as __imzCreateRequire } from 'node:module'; const require = __imzCreateRequire(import.meta.url);" },
  });
  // Several test files build at once while sandboxes import the bundle: write to a temp name and rename
  // (atomic), and leave the file alone when nothing changed.
  for (const f of result.outputFiles) {
    if (existsSync(f.path) && Buffer.compare(readFileSync(f.path), Buffer.from(f.contents)) === 0) continue;
    const tmp = `${f.path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    writeFileSync(tmp, f.contents);
    renameSync(tmp, f.path);
  }
  const bytes = readFileSync(bundle).byteLength;
  let zipPath = null;
  if (zip) {
    zipPath = join(dir, 'handler.zip');
    // Lambda's Node runtime loads handler.mjs as ESM: handler setting "handler.handler".
    writeFileSync(zipPath, zipSync({ 'handler.mjs': readFileSync(bundle) }, { level: 9 }));
  }
  return { bundle, bytes, zip: zipPath, inputs: Object.keys(result.metafile.inputs).length };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const release = process.argv.includes('--release');
  if (process.argv.includes('--zip') && !release) throw new Error('--zip packs the deployable bundle: add --release');
  const r = await buildHandler({ release, zip: process.argv.includes('--zip'), minify: process.argv.includes('--minify'), diagnostics: process.argv.includes('--diagnostics') });
  process.stdout.write(`built ${r.bundle} (${(r.bytes / 1e6).toFixed(2)} MB, ${r.inputs} inputs)${r.zip ? `, ${r.zip}` : ''}\n`);
}
