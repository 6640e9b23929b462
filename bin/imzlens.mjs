#!/usr/bin/env node
// Entry point of the imzlens CLI: runs the TypeScript sources through tsx. Why tsx (and esbuild, which tsx and the
// Node worker bundle use) are run-time dependencies: the CLI ships as source, the package supports Node >= 20.19,
// which cannot run .ts files, and the sources import each other by `.ts` paths; a pre-built CLI bundle would remove
// both, at the cost of a build step before every `imzlens` run from a checkout.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
