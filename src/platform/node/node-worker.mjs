// worker_threads entry: lets the worker import the TypeScript sources through tsx, then runs the task loop.
import { register } from 'tsx/esm/api';

register();
await import('./node-worker-main.ts');
