// Progress lines on stderr: stage, percent and ETA, redrawn in place on a terminal, throttled otherwise.
export class ProgressPrinter {
  private stage = '';
  private stageStart = 0;
  private lastPrint = 0;
  private readonly tty: boolean;

  constructor(private readonly out: NodeJS.WriteStream | null) {
    this.tty = Boolean(out?.isTTY);
  }

  update(stage: string, done: number, total: number): void {
    if (!this.out) return;
    const now = performance.now();
    if (stage !== this.stage) {
      this.stage = stage;
      this.stageStart = now;
      this.lastPrint = 0;
    }
    if (now - this.lastPrint < (this.tty ? 100 : 2000) && done < total) return;
    this.lastPrint = now;
    const frac = total > 0 ? Math.min(1, done / total) : 0;
    const elapsed = (now - this.stageStart) / 1000;
    const eta = frac > 0 && frac < 1 ? ` · ETA ${formatSeconds((elapsed / frac) * (1 - frac))}` : '';
    const line = `${stage.padEnd(10)} ${(frac * 100).toFixed(0).padStart(3)}%  (${done}/${total})${eta}`;
    this.out.write(this.tty ? `\r\x1b[2K${line}` : `${line}\n`);
  }

  done(message: string): void {
    if (!this.out) return;
    this.out.write(this.tty ? `\r\x1b[2K${message}\n` : `${message}\n`);
  }
}

function formatSeconds(s: number): string {
  if (s < 60) return `${s.toFixed(0)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}
