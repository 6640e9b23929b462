// cloud/template.yaml and cloud/deploy.mjs without AWS: every reference in the template names something declared
// (a typo would only show in CloudFormation), the page hosting (HostPage) is optional and off by default, and
// deploy.mjs prints a valid plan with and without --host-page.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const repo = resolve(import.meta.dirname, '../..');
const template = readFileSync(resolve(repo, 'cloud/template.yaml'), 'utf8');

/** The names declared at two-space indent under a top-level section. */
function section(name: string): Set<string> {
  const lines = template.split('\n');
  const start = lines.indexOf(`${name}:`);
  expect(start).toBeGreaterThanOrEqual(0);
  const names = new Set<string>();
  for (const line of lines.slice(start + 1)) {
    if (/^\S/.test(line)) break;
    const m = /^ {2}([A-Za-z0-9]+):/.exec(line);
    if (m) names.add(m[1]);
  }
  return names;
}

describe('cloud/template.yaml', () => {
  const params = section('Parameters');
  const conditions = section('Conditions');
  const resources = section('Resources');

  it('every !Ref, !GetAtt and ${…} names a parameter, resource or pseudo parameter', () => {
    const refs = [
      ...[...template.matchAll(/!Ref ([A-Za-z0-9:]+)/g)].map((m) => m[1]),
      ...[...template.matchAll(/!GetAtt ([A-Za-z0-9]+)\./g)].map((m) => m[1]),
      ...[...template.matchAll(/\$\{([A-Za-z0-9:]+)(?:\.[A-Za-z]+)?\}/g)].map((m) => m[1]),
    ];
    expect(refs.length).toBeGreaterThan(20);
    const unknown = refs.filter((r) => !r.startsWith('AWS::') && !params.has(r) && !resources.has(r));
    expect(unknown).toEqual([]);
  });

  it('every condition used is declared', () => {
    const used = [
      ...[...template.matchAll(/^\s+Condition: ([A-Za-z0-9]+)\s*$/gm)].map((m) => m[1]),
      ...[...template.matchAll(/!Condition ([A-Za-z0-9]+)/g)].map((m) => m[1]),
      ...[...template.matchAll(/!If \[([A-Za-z0-9]+),/g)].map((m) => m[1]),
    ];
    expect(used).toContain('MakePage');
    expect(used.filter((c) => !conditions.has(c))).toEqual([]);
  });

  it('the page hosting is optional (off by default) and private: bucket behind CloudFront with OAC', () => {
    expect(params.has('HostPage')).toBe(true);
    expect(/ {2}HostPage:\n(?: {4}.*\n)*? {4}Default: 'false'/.test(template)).toBe(true);
    for (const r of ['PageBucket', 'PageOriginAccessControl', 'PageDistribution', 'PageBucketPolicy']) {
      expect(resources.has(r)).toBe(true);
      const block = template.slice(template.indexOf(`\n  ${r}:\n`) + 1).split(/\n {2}(?=[A-Za-z])/)[0];
      expect(block, r).toMatch(/Condition: MakePage/);
    }
    expect(template).toMatch(/OriginAccessControlId: !GetAtt PageOriginAccessControl\.Id/);
    expect(template).toMatch(/ViewerProtocolPolicy: redirect-to-https/);
    expect(template).toMatch(/AWS:SourceArn: .*distribution\/\$\{PageDistribution\}/);
  });
});

describe('cloud/deploy.mjs prints a plan', () => {
  const plan = (...extra: string[]) => spawnSync(process.execPath, ['cloud/deploy.mjs', '--bucket', 'data-b', '--origin', 'https://me.github.io', '--code-bucket', 'code-b', ...extra],
    { cwd: repo, encoding: 'utf8', env: { ...process.env, PATH: '/nonexistent' } });

  it('without --host-page: HostPage=false, no page upload', () => {
    const r = plan();
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/aws cloudformation deploy .*--parameter-overrides .*PageOrigin=https:\/\/me\.github\.io .*HostPage=false/);
    expect(r.stdout).not.toMatch(/s3 sync|PageBucketName/);
  }, 120_000);

  it('with --host-page: HostPage=true, the page bucket, build and sync of dist/', () => {
    const r = plan('--host-page', '--page-bucket', 'my-page');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/HostPage=true PageBucketName=my-page/);
    expect(r.stdout).toMatch(/npm run build\n\naws s3 sync dist\/ s3:\/\/my-page\/ --delete/);
    expect(r.stdout).toMatch(/create-invalidation/);
  }, 120_000);
});
