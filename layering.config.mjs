// The layering rules that `npm test` checks (scripts/check-layering.mjs). Rules name folders, not files, so they hold
// as modules move between and inside folders. A path prefix ending in '/' is a folder; anything else is a file prefix.
export default {
  /** Folders whose .ts/.mjs/.js/.svelte files are read. */
  roots: ['src/', 'workers/', 'cloud/', 'bin/', 'bench/', 'tests/', 'scripts/'],
  rules: [
    {
      name: 'core-is-pure',
      why: 'the science core runs unchanged in the page, Node workers and Lambda: only itself and pure libraries',
      from: ['src/core/'],
      allowLocal: ['src/core/'],
      allowPackages: ['papaparse', 'fflate', 'fast-png', 'd3-scale-chromatic'],
    },
    {
      name: 'product-never-imports-tests-or-bench',
      why: 'test and bench code must not end up in what we ship',
      from: ['src/', 'workers/', 'cloud/', 'bin/'],
      // the local test stack (s3rver + our Lambda Invoke server) and the bench entry are not shipped
      except: ['cloud/local', 'cloud/s3rver', 'cloud/browser-check.ts', 'bin/imzlens-bench.mjs'],
      forbidLocal: ['tests/', 'bench/'],
    },
    {
      name: 'bench-never-imports-tests',
      why: 'a benchmark measures product code; shared helpers live in bench/lib or src/',
      from: ['bench/'],
      forbidLocal: ['tests/'],
    },
    {
      name: 'platform-never-imports-app',
      why: 'platform adapters (browser, node, cloud) sit below the app',
      from: ['src/platform/'],
      forbidLocal: ['src/app/'],
    },
    {
      name: 'app-never-imports-cli',
      why: 'the page and the CLI are two front ends over the same layers',
      from: ['src/app/'],
      forbidLocal: ['src/cli/'],
    },
  ],
  cycles: [
    {
      name: 'no-cycles-in-core',
      why: 'a cycle makes two modules one; split out what both need',
      within: 'src/core/',
      // Cycles allowed for now (none); the check reports an entry that no longer matches any cycle.
      allow: [],
    },
  ],
};
