// imzlens CLI: dispatches `imzlens <command> ...` to one module per command.
// Each command module exports `run(args: string[]): Promise<number>` (the exit code).

type CommandModule = { run(args: string[]): Promise<number> };

const COMMANDS: Record<string, { summary: string; load: () => Promise<CommandModule> }> = {
  info: { summary: 'describe an imzML/ibd pair', load: () => import('./info.ts') },
  ingest: { summary: 'ingest an imzML/ibd pair into an on-disk dataset store', load: () => import('./ingest.ts') },
  isotopes: { summary: 'isotope centroids of ion formulas as CSV', load: () => import('./isotopes.ts') },
  annotate: { summary: 'annotate a dataset against molecular databases (METASPACE v1)', load: () => import('./annotate.ts') },
  simulate: { summary: 'write a simulated imzML/ibd dataset with ground truth', load: () => import('./simulate.ts') },
  compare: { summary: 'compare annotation results with METASPACE or another run', load: () => import('./compare.ts') },
  crop: { summary: 'cut a pixel box and/or m/z range out of a dataset', load: () => import('./crop.ts') },
  bundle: { summary: 'validate a result bundle and print its manifest (bundle info FILE)', load: () => import('./bundle.ts') },
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    const lines = Object.entries(COMMANDS).map(([k, v]) => `  ${k.padEnd(10)} ${v.summary}`);
    process.stdout.write(`usage: imzlens <command> [options]\n\ncommands:\n${lines.join('\n')}\n`);
    return name ? 0 : 2;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    process.stderr.write(`imzlens: unknown command '${name}'. Run 'imzlens --help' for the list.\n`);
    return 2;
  }
  let mod: CommandModule;
  try {
    mod = await cmd.load();
  } catch (e) {
    process.stderr.write(`imzlens: command '${name}' is not available in this build (${(e as Error).message}).\n`);
    return 2;
  }
  try {
    return await mod.run(rest);
  } catch (e) {
    const err = e as Error;
    process.stderr.write(`imzlens ${name}: ${err.message}\n`);
    if (process.env.IMZLENS_DEBUG) process.stderr.write(`${err.stack}\n`);
    return 1;
  }
}
