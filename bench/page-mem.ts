// Peak memory of the Chromium launched by this process: the sum of PSS (proportional set size, so shared pages
// are not counted once per process) over the browser and all its children, sampled from /proc every 500 ms.
// Linux only; elsewhere it reports nothing.
import { readdirSync, readFileSync } from 'node:fs';

function procTable(): Map<number, { ppid: number; comm: string }> {
  const t = new Map<number, { ppid: number; comm: string }>();
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return t;
  }
  for (const p of pids) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      // comm is in parentheses and may contain spaces: fields after the last ')' are fixed
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const ppid = Number(stat.slice(close + 2).split(' ')[1]);
      t.set(Number(p), { ppid, comm });
    } catch { /* process ended meanwhile */ }
  }
  return t;
}

function pssKB(pid: number): number {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Direct children of this process whose name starts with "chrom" (the browsers Playwright launched). */
export function browserRoots(): number[] {
  return [...procTable()].filter(([, v]) => v.ppid === process.pid && v.comm.startsWith('chrom')).map(([pid]) => pid);
}

/**
 * PSS in MB of every process under our own children whose name starts with "chrom"; with `root`, of that browser
 * process and its descendants only (two browsers side by side: bench interactive --baseline).
 */
export function browserPssMB(root?: number): number {
  const t = procTable();
  const kids = new Map<number, number[]>();
  for (const [pid, { ppid }] of t) {
    const l = kids.get(ppid);
    if (l) l.push(pid); else kids.set(ppid, [pid]);
  }
  let kb = 0;
  const walk = (pid: number, inBrowser: boolean) => {
    for (const c of kids.get(pid) ?? []) {
      const isBrowser = inBrowser || (t.get(c)?.comm ?? '').startsWith('chrom');
      if (isBrowser) kb += pssKB(c);
      walk(c, isBrowser);
    }
  };
  if (root !== undefined) {
    kb += pssKB(root);
    walk(root, true);
  } else {
    walk(process.pid, false);
  }
  return kb / 1024;
}

export class MemSampler {
  private peaks = new Map<string, number>();
  private phase = 'start';
  private timer: ReturnType<typeof setInterval> | null = null;

  /** `root`: sample only this browser's process tree (default: every browser this process started). */
  constructor(private readonly root?: number) {}

  start(): void {
    this.timer = setInterval(() => this.sample(), 500);
  }
  /** Peaks are kept per phase (ingest, job, paint …). */
  setPhase(name: string): void {
    this.sample();
    this.phase = name;
  }
  sample(): void {
    const mb = browserPssMB(this.root);
    this.peaks.set(this.phase, Math.max(this.peaks.get(this.phase) ?? 0, mb));
  }
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.sample();
  }
  peak(phase: string): number {
    return this.peaks.get(phase) ?? NaN;
  }
}
