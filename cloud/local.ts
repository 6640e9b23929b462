// `npm run cloud:local`: starts the local Lambda + S3 stack in the foreground and prints the settings to use
// (environment for the CLI, values for the page's cloud settings). Ctrl-C stops it.
// Options (env): LOCAL_S3_PORT, LOCAL_LAMBDA_PORT (default 4569/4570), LOCAL_ORIGIN (page origin for CORS,
// default '*'), LOCAL_FAULTS (fraction 0–1 split over throttle/5xx/fail/timeout), LOCAL_TIMEOUT (s).
import { startLocalStack } from './local-stack.ts';

const faults = Number(process.env.LOCAL_FAULTS ?? 0);
const stack = await startLocalStack({
  rebuild: true,
  s3Port: Number(process.env.LOCAL_S3_PORT ?? 4569),
  lambdaPort: Number(process.env.LOCAL_LAMBDA_PORT ?? 4570),
  allowOrigin: process.env.LOCAL_ORIGIN ?? '*',
  timeoutMs: Number(process.env.LOCAL_TIMEOUT ?? 60) * 1000,
  faults: faults > 0 ? { throttle: faults / 4, error5xx: faults / 4, fail: faults / 4, timeout: faults / 4, seed: Date.now() } : undefined,
});
const lines = [
  'imzlens local cloud is running (s3rver + local Lambda with the bundled handler).',
  '',
  'CLI / Node — paste into your shell:',
  ...Object.entries(stack.env).map(([k, v]) => `  export ${k}=${v}`),
  '',
  'Page — cloud settings:',
  `  Region            ${stack.config.region}`,
  `  Lambda endpoint   ${stack.config.lambdaEndpoint}`,
  `  S3 endpoint       ${stack.config.s3Endpoint}`,
  `  Bucket            ${stack.config.bucket}`,
  `  Prefix            ${stack.config.prefix}`,
  `  Functions         ${stack.config.tiers.map((t) => `${t.functionName} (${t.memoryMB} MB)`).join(', ')}`,
  `  Access key id     ${stack.config.credentials!.accessKeyId}   (dummy; s3rver does not check signatures)`,
  `  Secret key        ${stack.config.credentials!.secretAccessKey}`,
  '',
  `S3 files: ${stack.s3.directory}`,
  'Ctrl-C to stop.',
];
process.stdout.write(`${lines.join('\n')}\n`);
const stop = async () => {
  process.stdout.write(`\nstopping; invocations: ${JSON.stringify(stack.lambda.stats)}\n`);
  await stack.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
