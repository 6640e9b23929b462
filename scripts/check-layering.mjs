// The layering check of `npm test`: reads every import (static, dynamic, side-effect, `new URL(…, import.meta.url)`
// worker references; type-only imports count too) of the source folders, applies the rules of layering.config.mjs
// and finds import cycles. Prints each violation with the rule's reason; exit code 1 when there is any.
// Usage: node scripts/check-layering.mjs [--json FILE]   (FILE gets { ok, violations })
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const config = (await import(pathToFileURL(join(repo, 'layering.config.mjs')).href)).default;
const SOURCE = /\.(ts|mts|mjs|js|svelte)$/;
const SKIP_DIRS = new Set(['node_modules', 'dist', '.git', 'fixtures']);
const BUILTINS = new Set(builtinModules);

const posix = (p) => p.split(sep).join('/');

function walk(dir, out) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (!SKIP_DIRS.has(name)) walk(p, out);
    } else if (SOURCE.test(name) && !name.endsWith('.d.ts')) out.push(posix(relative(repo, p)));
  }
  return out;
}

/** Import specifiers of one file (block comments and whole-line comments dropped first). */
function specifiers(text) {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const found = [];
  const patterns = [
    /\b(?:import|export)\s[^'"`;]*?\sfrom\s*['"]([^'"]+)['"]/g, // import x from / export { x } from / import type
    /\bimport\s*['"]([^'"]+)['"]/g, // side-effect import
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g, // dynamic import
    /\bnew\s+URL\(\s*['"](\.[^'"]+)['"]\s*,\s*import\.meta\.url/g, // worker / asset reference
  ];
  for (const re of patterns) for (const m of code.matchAll(re)) found.push(m[1]);
  return found;
}

/** A relative specifier → repo path (extension and index lookup as the bundlers do); a bare one → package name. */
function resolveSpec(from, spec) {
  const clean = spec.split('?')[0];
  if (clean.startsWith('.')) {
    const base = resolve(repo, dirname(from), clean);
    const candidates = [base, `${base}.ts`, `${base}.js`, `${base}.mjs`, join(base, 'index.ts')];
    const hit = candidates.find((c) => existsSync(c) && statSync(c).isFile()) ?? base;
    return { local: posix(relative(repo, hit)) };
  }
  if (clean.startsWith('node:') || BUILTINS.has(clean.split('/')[0])) return { pkg: clean.startsWith('node:') ? clean : `node:${clean}` };
  const parts = clean.split('/');
  return { pkg: clean.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0] };
}

const under = (file, prefixes = []) => prefixes.some((p) => file.startsWith(p));

const files = config.roots.flatMap((r) => walk(join(repo, r), []));
/** file → [{ spec, local?, pkg? }] */
const graph = new Map(files.map((f) => [f, specifiers(readFileSync(join(repo, f), 'utf8')).map((spec) => ({ spec, ...resolveSpec(f, spec) }))]));

const violations = [];
for (const rule of config.rules) {
  for (const [file, deps] of graph) {
    if (!under(file, rule.from) || under(file, rule.except)) continue;
    for (const d of deps) {
      let bad = false;
      if (d.local !== undefined) {
        if (rule.allowLocal && !under(d.local, rule.allowLocal)) bad = true;
        if (under(d.local, rule.forbidLocal)) bad = true;
      } else if (rule.allowPackages && !rule.allowPackages.includes(d.pkg)) bad = true;
      if (bad) violations.push({ rule: rule.name, why: rule.why, file, import: d.spec, target: d.local ?? d.pkg });
    }
  }
}

/** Strongly connected components (Tarjan) of the local imports among `nodes`. */
function cyclesAmong(nodes) {
  const set = new Set(nodes);
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const out = [];
  let next = 0;
  const visit = (v) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const d of graph.get(v) ?? []) {
      const w = d.local;
      if (!w || !set.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
    }
    if (low.get(v) === index.get(v)) {
      const comp = [];
      let w;
      do {
        w = stack.pop();
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1) out.push(comp.sort());
    }
  };
  for (const v of nodes) if (!index.has(v)) visit(v);
  return out;
}

for (const rule of config.cycles ?? []) {
  const allowed = (rule.allow ?? []).map((c) => [...c].sort().join(' ↔ '));
  const found = cyclesAmong(files.filter((f) => f.startsWith(rule.within))).map((c) => c.join(' ↔ '));
  for (const c of found) if (!allowed.includes(c)) violations.push({ rule: rule.name, why: rule.why, file: c, import: '(cycle)', target: c });
  for (const a of allowed) {
    if (!found.includes(a)) violations.push({ rule: rule.name, why: 'stale exception in layering.config.mjs: this cycle is gone, remove it from `allow`', file: a, import: '(allowed cycle)', target: a });
  }
}

const jsonAt = process.argv.indexOf('--json');
if (jsonAt > 0) writeFileSync(process.argv[jsonAt + 1], JSON.stringify({ ok: violations.length === 0, files: files.length, violations }, null, 2));
if (violations.length === 0) {
  console.log(`layering: ok (${files.length} files, ${config.rules.length} rules, ${(config.cycles ?? []).length} cycle checks)`);
} else {
  for (const v of violations) {
    const what = v.import.startsWith('(') ? `${v.import.slice(1, -1)}: ${v.file}` : `${v.file} imports '${v.import}' (${v.target})`;
    console.log(`layering: ${v.rule}: ${what}\n    why: ${v.why}`);
  }
  console.log(`layering: ${violations.length} violation(s) in ${files.length} files`);
  process.exitCode = 1;
}
