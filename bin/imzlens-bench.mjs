#!/usr/bin/env node
// Entry point of the benchmarks (`npm run bench [-- scenario ...] [--quick]`): their own entry, so the product CLI
// (bin/imzlens.mjs → src/cli/main.ts) never loads bench code. tsx runs the TypeScript sources, as for the CLI.
import { register } from 'tsx/esm/api';

register();
const { run } = await import('../bench/run.ts');
process.exitCode = await run(process.argv.slice(2));
