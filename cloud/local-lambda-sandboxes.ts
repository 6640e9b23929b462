// The local Lambda's execution environments: warm child processes (cloud/local-runner.mjs) per function, reused
// when idle (up to `maxIdle` per function), each invocation run under the function's time limit and an RSS
// watchdog for its memory (typed arrays live outside the JS heap, so --max-old-space-size alone would not catch them).
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { LocalFunctionConfig, LocalLambdaStats } from './local-lambda-types.ts';

interface Sandbox {
  child: ChildProcess;
  fn: string;
  ready: Promise<void>;
  busy: boolean;
  dead: boolean;
}

/** What an invocation returned: the handler's result, or Lambda's error payload (ok false). */
export interface Outcome {
  ok: boolean;
  payload: unknown;
}

function rssBytes(pid: number): number | null {
  try {
    const pages = Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]);
    return pages * 4096;
  } catch {
    return null;
  }
}

export class Sandboxes {
  private readonly idleSandboxes = new Map<string, Sandbox[]>();
  private readonly all = new Set<Sandbox>();
  private closing = false;

  constructor(
    private readonly runner: string,
    private readonly handlerPath: string,
    private readonly env: Record<string, string> | undefined,
    private readonly maxIdle: number,
    private readonly stats: LocalLambdaStats,
  ) {}

  /** Runs one invocation in a sandbox with the function's time and memory limits. */
  async execute(fn: string, cfg: LocalFunctionConfig, event: unknown, requestId: string): Promise<Outcome> {
    const sb = this.acquire(fn, cfg);
    sb.busy = true;
    try {
      await sb.ready;
    } catch (e) {
      return { ok: false, payload: { errorType: 'Runtime.ImportModuleError', errorMessage: (e as Error).message } };
    }
    const stats = this.stats;
    return new Promise<Outcome>((resolve) => {
      const id = randomUUID();
      let settled = false;
      const finish = (o: Outcome, kill: boolean) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearInterval(watch);
        sb.child.off('message', onMsg);
        sb.child.off('exit', onExit);
        if (kill) sb.child.kill('SIGKILL');
        else this.release(sb);
        resolve(o);
      };
      const onMsg = (m: { type: string; id: string; ok: boolean; payload: unknown }) => {
        if (m.type === 'result' && m.id === id) finish({ ok: m.ok, payload: m.payload }, false);
      };
      const onExit = (code: number | null, sig: string | null) =>
        finish({ ok: false, payload: { errorType: 'Runtime.ExitError', errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: ${sig ? `signal: ${sig}` : `exit status ${code}`}` } }, false);
      const timer = setTimeout(() => {
        stats.timeouts++;
        finish({ ok: false, payload: { errorType: 'Sandbox.Timedout', errorMessage: `RequestId: ${requestId} Error: Task timed out after ${(cfg.timeoutMs / 1000).toFixed(2)} seconds` } }, true);
      }, cfg.timeoutMs);
      const limit = cfg.memoryMB * 1024 * 1024;
      const watch = setInterval(() => {
        const rss = sb.child.pid ? rssBytes(sb.child.pid) : null;
        if (rss !== null && rss > limit) {
          stats.oomKills++;
          finish({ ok: false, payload: { errorType: 'Runtime.OutOfMemory', errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: signal: killed (memory ${Math.round(rss / 1048576)} MB > ${cfg.memoryMB} MB)` } }, true);
        }
      }, 25);
      sb.child.on('message', onMsg);
      sb.child.once('exit', onExit);
      sb.child.send({ type: 'invoke', id, requestId, functionName: fn, memoryMB: cfg.memoryMB, timeoutMs: cfg.timeoutMs, event });
    });
  }

  /** Kills every sandbox; none is kept warm afterwards. */
  closeAll(): void {
    this.closing = true;
    for (const sb of this.all) sb.child.kill('SIGKILL');
  }

  private childEnv(fn: string, cfg: LocalFunctionConfig): NodeJS.ProcessEnv {
    return {
      PATH: process.env.PATH,
      AWS_REGION: 'us-east-1',
      ...this.env,
      AWS_LAMBDA_FUNCTION_NAME: fn,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(cfg.memoryMB),
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs20.x (imzlens local)',
    };
  }

  /** A cold start: a new child that loads the handler bundle and says 'ready' (or 'init-error'). */
  private spawn(fn: string, cfg: LocalFunctionConfig): Sandbox {
    this.stats.coldStarts++;
    const child = fork(this.runner, [this.handlerPath], {
      env: this.childEnv(fn, cfg),
      execArgv: [`--max-old-space-size=${Math.max(64, Math.floor(cfg.memoryMB * 0.9))}`],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const sb: Sandbox = { child, fn, busy: false, dead: false, ready: Promise.resolve() };
    sb.ready = new Promise<void>((resolve, reject) => {
      const onMsg = (m: { type: string; error?: string }) => {
        if (m.type === 'ready') {
          child.off('message', onMsg);
          resolve();
        } else if (m.type === 'init-error') reject(new Error(m.error));
      };
      child.on('message', onMsg);
      child.once('exit', (code, sig) => reject(new Error(`sandbox exited during init (code ${code}, signal ${sig})`)));
    });
    sb.ready.catch(() => undefined);
    child.once('exit', () => {
      sb.dead = true;
      this.all.delete(sb);
      const list = this.idleSandboxes.get(fn);
      if (list) this.idleSandboxes.set(fn, list.filter((s) => s !== sb));
    });
    this.all.add(sb);
    return sb;
  }

  /** A warm idle sandbox of `fn`, else a new one. */
  private acquire(fn: string, cfg: LocalFunctionConfig): Sandbox {
    const list = this.idleSandboxes.get(fn) ?? [];
    let sb: Sandbox | undefined;
    while ((sb = list.pop()) && sb.dead);
    this.idleSandboxes.set(fn, list);
    return sb && !sb.dead ? sb : this.spawn(fn, cfg);
  }

  /** Back to the idle list after an invocation (killed instead when `maxIdle` are idle already or when closing). */
  private release(sb: Sandbox): void {
    sb.busy = false;
    const list = this.idleSandboxes.get(sb.fn) ?? [];
    if (sb.dead || this.closing) return;
    if (list.length >= this.maxIdle) {
      sb.child.kill('SIGKILL');
      return;
    }
    list.push(sb);
    this.idleSandboxes.set(sb.fn, list);
  }
}
