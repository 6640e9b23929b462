#!/usr/bin/env bash
# `npm test`: every test — type check, layering rules, unit + integration (Vitest), end-to-end (Playwright + Debian
# Chromium).
# Prints one closing line "imzlens: N passed, M failed" summed over all runners (the layering check counts as one).
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-chromium.sh || exit 1

# not test-results/: Playwright empties that folder when it starts
out=test-reports
rm -rf "$out"; mkdir -p "$out"
status=0

echo "== type check"
if ! npm run --silent check; then echo "type check FAILED"; status=1; fi

echo "== layering (layering.config.mjs)"
node scripts/check-layering.mjs --json "$out/layering.json" || status=1

echo "== unit + integration (vitest)"
npx vitest run --reporter=default --reporter=json --outputFile="$out/vitest.json" || status=1

echo "== build"
npx vite build --logLevel warn || { echo "build FAILED"; status=1; }

echo "== end-to-end (playwright)"
PLAYWRIGHT_JSON_OUTPUT_NAME="$out/playwright.json" npx playwright test --reporter=list,json || status=1

node scripts/summarize-tests.mjs "$out" "$status"
