// `npm run bench [-- name ...] [--quick]`: runs benchmark scenarios; each writes bench/results/<name>.md,
// then bench/RESULTS.md is rebuilt from all result files (so one scenario can be re-run alone).
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpus } from 'node:os';

export interface BenchContext {
  quick: boolean;
  args: string[];
  /** Writes this scenario's markdown section. */
  write(markdown: string): void;
  log(line: string): void;
}

const here = dirname(fileURLToPath(import.meta.url));
const SCENARIOS: Record<string, () => Promise<{ run(ctx: BenchContext): Promise<void> }>> = {
  ingest: () => import('./ingest.ts'),
  isotopes: () => import('./isotopes.ts'),
  annotate: () => import('./annotate.ts'),
  page: () => import('./page.ts'),
};

export function machineLine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `${new Date().toISOString().slice(0, 10)} · ${cpu} · ${cpus().length} cores · Node ${process.version}`;
}

export async function run(args: string[]): Promise<number> {
  const quick = args.includes('--quick');
  const names = args.filter((a) => !a.startsWith('--'));
  const chosen = names.length ? names : Object.keys(SCENARIOS);
  for (const name of chosen) {
    const load = SCENARIOS[name];
    if (!load) {
      process.stderr.write(`bench: unknown scenario '${name}' (known: ${Object.keys(SCENARIOS).join(', ')})\n`);
      return 2;
    }
    let mod;
    try {
      mod = await load();
    } catch (e) {
      process.stderr.write(`bench: scenario '${name}' is not available: ${(e as Error).message}\n`);
      continue;
    }
    process.stderr.write(`bench: ${name}${quick ? ' (quick)' : ''}\n`);
    const out = join(here, 'results', `${name}.md`);
    mkdirSync(dirname(out), { recursive: true });
    await mod.run({
      quick,
      args,
      write: (md) => writeFileSync(out, `${md.trim()}\n\n_Machine: ${machineLine()}_\n`),
      log: (line) => process.stderr.write(`  ${line}\n`),
    });
  }
  rebuildResults();
  return 0;
}

function rebuildResults(): void {
  const dir = join(here, 'results');
  const parts = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.md')).sort() : [];
  const body = parts.map((f) => readFileSync(join(dir, f), 'utf8').trim()).join('\n\n');
  writeFileSync(join(here, 'RESULTS.md'), `# imzlens benchmark results\n\nWritten by \`npm run bench\`; each section by its scenario (bench/results/).\n\n${body}\n`);
}
