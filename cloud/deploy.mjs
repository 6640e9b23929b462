// `npm run cloud:deploy -- --bucket NAME --origin https://you.github.io [options]`
// Builds cloud/dist/release/handler.zip (the release bundle: no diagnostic or test tasks), then prints (or, with --execute and the aws CLI installed, runs)
// the commands that upload it and deploy cloud/template.yaml with CloudFormation. Prints the values to paste
// into the page's cloud settings afterwards. Tests run it only without --execute (tests/unit/cloud-template.test.ts).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildHandler } from './build.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const { values: a } = parseArgs({
  options: {
    bucket: { type: 'string' },
    'code-bucket': { type: 'string' },
    origin: { type: 'string' },
    stack: { type: 'string', default: 'imzlens' },
    region: { type: 'string' },
    prefix: { type: 'string', default: 'imzlens/' },
    function: { type: 'string', default: 'imzlens-task' },
    runtime: { type: 'string', default: 'nodejs22.x' },
    'existing-bucket': { type: 'boolean', default: false },
    'identity-pool': { type: 'boolean', default: false },
    'host-page': { type: 'boolean', default: false },
    'page-bucket': { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    execute: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (a.help || !a.bucket || !a.origin) {
  process.stdout.write(`usage: npm run cloud:deploy -- --bucket DATA_BUCKET --origin PAGE_ORIGIN [options]
  --code-bucket B      existing bucket for the handler zip (default: DATA_BUCKET with --existing-bucket, else required)
  --existing-bucket    DATA_BUCKET exists already (the stack will not create it; its CORS rule is set by command)
  --stack NAME         CloudFormation stack name (imzlens)      --region R      AWS region (the CLI's default)
  --prefix P           key prefix (imzlens/)                     --function F    function base name (imzlens-task)
  --runtime R          nodejs20.x | nodejs22.x | nodejs24.x (nodejs22.x)
  --identity-pool      also create a Cognito identity pool for the page (guest role: invoke + the prefix only)
  --host-page          also host the page: a private bucket behind CloudFront (OAC); builds dist/ and uploads it
  --page-bucket B      name of that bucket (DATA_BUCKET-page)
  --execute            run the commands with the aws CLI (default: print them only)
`);
  process.exit(a.help ? 0 : 2);
}
const codeBucket = a['code-bucket'] ?? (a['existing-bucket'] ? a.bucket : undefined);
if (!codeBucket) {
  process.stderr.write('deploy: the handler zip must be in an existing bucket before the stack is created: pass --code-bucket, or --existing-bucket to use the data bucket\n');
  process.exit(2);
}
const prefix = a.prefix.endsWith('/') ? a.prefix : `${a.prefix}/`;
const pageBucket = a['page-bucket'] ?? `${a.bucket}-page`;

const built = await buildHandler({ release: true, zip: true, minify: true });
const zip = readFileSync(built.zip);
// Hash of the bundle, not the zip (zip entries carry timestamps): same code, same key, no needless update.
const hash = createHash('sha256').update(readFileSync(built.bundle)).digest('hex').slice(0, 16);
const codeKey = `${prefix}code/handler-${hash}.zip`;
const region = a.region ? ['--region', a.region] : [];
const zipRel = relative(process.cwd(), built.zip);
process.stdout.write(`built ${zipRel} (${(zip.byteLength / 1e6).toFixed(2)} MB, sha256 ${hash}…)\n`);

const cors = JSON.stringify({
  CORSRules: [{ AllowedOrigins: [a.origin], AllowedMethods: ['GET', 'HEAD', 'PUT', 'POST', 'DELETE'], AllowedHeaders: ['*'], ExposeHeaders: ['ETag', 'Content-Range', 'Content-Length', 'x-amz-request-id'], MaxAgeSeconds: 600 }],
});
const commands = [
  ['aws', 's3', 'cp', zipRel, `s3://${codeBucket}/${codeKey}`, ...region],
  ['aws', 'cloudformation', 'deploy', '--template-file', relative(process.cwd(), join(here, 'template.yaml')), '--stack-name', a.stack,
    '--capabilities', 'CAPABILITY_IAM', ...region, '--parameter-overrides',
    `FunctionBaseName=${a.function}`, `Runtime=${a.runtime}`, `CodeBucket=${codeBucket}`, `CodeKey=${codeKey}`,
    `DataBucketName=${a.bucket}`, `CreateDataBucket=${a['existing-bucket'] ? 'false' : 'true'}`, `Prefix=${prefix}`,
    `PageOrigin=${a.origin}`, `CreateIdentityPool=${a['identity-pool'] ? 'true' : 'false'}`,
    `HostPage=${a['host-page'] ? 'true' : 'false'}`, ...(a['host-page'] ? [`PageBucketName=${pageBucket}`] : [])],
  ...(a['existing-bucket'] ? [['aws', 's3api', 'put-bucket-cors', '--bucket', a.bucket, '--cors-configuration', cors, ...region]] : []),
  // the page: built with a relative base, so the bucket root serves it as is (docs/hosting.md)
  ...(a['host-page'] ? [['npm', 'run', 'build'], ['aws', 's3', 'sync', 'dist/', `s3://${pageBucket}/`, '--delete', ...region]] : []),
  ['aws', 'cloudformation', 'describe-stacks', '--stack-name', a.stack, ...region, '--query', 'Stacks[0].Outputs', '--output', 'table'],
];
const quote = (s) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
const hasAws = spawnSync('aws', ['--version'], { stdio: 'ignore' }).status === 0;
if (!a.execute || a['dry-run'] || !hasAws) {
  process.stdout.write(`${hasAws ? '' : 'aws CLI not found: '}run these commands:\n\n${commands.map((c) => c.map(quote).join(' ')).join('\n\n')}\n\n`);
} else {
  for (const c of commands) {
    process.stdout.write(`$ ${c.map(quote).join(' ')}\n`);
    const r = spawnSync(c[0], c.slice(1), { stdio: 'inherit' });
    if (r.status !== 0) {
      process.stderr.write(`deploy: '${c.slice(0, 3).join(' ')}' failed (exit ${r.status}); fix the error above and re-run (the steps are idempotent)\n`);
      process.exit(1);
    }
  }
}
process.stdout.write(`Then paste into the page's cloud settings (or export for the CLI):
  IMZLENS_BUCKET=${a.bucket}
  IMZLENS_FUNCTION=${a.function}            (memory tiers: IMZLENS_MEMORY_TIERS=2048,4096)
  IMZLENS_PREFIX=${prefix}
  AWS_REGION=${a.region ?? '<your region>'}
  ${a['identity-pool'] ? 'Identity pool id: see the IdentityPoolId output above' : 'Credentials: your AWS profile (CLI) or temporary keys (page)'}
${a['host-page'] ? `The page: open the PageUrl output. After a later upload, refresh CloudFront's copy:
  aws cloudfront create-invalidation --distribution-id <PageDistributionId output> --paths '/*'
` : ''}`);
