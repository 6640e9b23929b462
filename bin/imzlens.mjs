#!/usr/bin/env node
// Entry point of the imzlens CLI: runs the TypeScript sources through tsx (Node 20 cannot strip types).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
