// Types of the local Lambda server (cloud/local-lambda.ts): function settings, fault rates, options, counters.

export interface LocalFunctionConfig {
  memoryMB: number;
  timeoutMs: number;
}

export interface FaultRates {
  /** Fractions of invocations (0–1) answered 429 / 500, failing inside the function, or timing out. */
  throttle?: number;
  error5xx?: number;
  fail?: number;
  timeout?: number;
  /** Seed of the fault RNG, for reproducible runs (default 1). */
  seed?: number;
}

export interface LocalLambdaOptions {
  functions: Record<string, LocalFunctionConfig>;
  handlerPath?: string;
  /** Concurrent executions over all functions (Lambda's account/reserved concurrency). Default 64. */
  concurrency?: number;
  /** Environment of the function (S3 endpoint, credentials, region…). Nothing else leaks from the parent. */
  env?: Record<string, string>;
  faults?: FaultRates;
  host?: string;
  port?: number;
  /** Access-Control-Allow-Origin (default '*'). */
  allowOrigin?: string;
  /** Idle children kept warm per function (default = concurrency). */
  maxIdle?: number;
}

export interface LocalLambdaStats {
  invocations: number;
  sync: number;
  async: number;
  completed: number;
  functionErrors: number;
  throttled: number;
  injected: { throttle: number; error5xx: number; fail: number; timeout: number };
  timeouts: number;
  oomKills: number;
  coldStarts: number;
  maxRunning: number;
  maxQueued: number;
}

export interface LocalLambda {
  url: string;
  port: number;
  stats: LocalLambdaStats;
  /** Resolves when no invocation is running or queued. */
  idle(): Promise<void>;
  close(): Promise<void>;
}
