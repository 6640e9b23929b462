// Sums the layering check and the Vitest and Playwright JSON reports into one closing line:
// "imzlens: N passed, M failed, K skipped" (the layering check is one item: passed or failed).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, statusArg] = process.argv.slice(2);
let passed = 0, failed = 0, skipped = 0;
const layering = join(dir, 'layering.json');
if (existsSync(layering) && JSON.parse(readFileSync(layering, 'utf8')).ok === true) passed += 1;
else failed += 1;
const vitest = join(dir, 'vitest.json');
if (existsSync(vitest)) {
  const r = JSON.parse(readFileSync(vitest, 'utf8'));
  passed += r.numPassedTests ?? 0;
  failed += r.numFailedTests ?? 0;
  // a suite that failed to load has no failed tests of its own: count it once
  if ((r.numFailedTests ?? 0) === 0) failed += r.numFailedTestSuites ?? 0;
  skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
} else failed += 1;
const pw = join(dir, 'playwright.json');
if (existsSync(pw)) {
  const s = JSON.parse(readFileSync(pw, 'utf8')).stats ?? {};
  passed += (s.expected ?? 0) + (s.flaky ?? 0);
  failed += s.unexpected ?? 0;
  skipped += s.skipped ?? 0;
} else failed += 1;
if (statusArg !== '0' && failed === 0) failed = 1; // a stage failed outside the runners (type check, build)
console.log(`imzlens: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
