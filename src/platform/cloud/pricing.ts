// What a job in Lambda cost, as recorded with the job (RunOn) and shown to the user: the LambdaPool stage reports
// (billed GB-seconds and requests at LAMBDA_X86_PRICES, lambda-pool.ts) summed per job.

/** Where a job ran (stored with the job; old records without it ran in the browser). Never holds credentials. */
export type RunOn =
  | { kind: 'browser' }
  | { kind: 'lambda'; region: string; functionName: string; invocations: number; gbSeconds: number; estimatedCostUSD: number; retries: number };

/** The part of a LambdaPool stage report (lambda-pool.ts) the job record sums up. */
export interface StageCost {
  invocations: number;
  gbSeconds: number;
  estimatedCostUSD: number;
  retries: Record<string, number>;
}

/** Sums a job's stage reports (centroids, score, …) into its RunOn record. */
export function lambdaRunOn(reports: readonly StageCost[], region: string, functionName: string): RunOn {
  let invocations = 0, gbSeconds = 0, estimatedCostUSD = 0, retries = 0;
  for (const r of reports) {
    invocations += r.invocations;
    gbSeconds += r.gbSeconds;
    estimatedCostUSD += r.estimatedCostUSD;
    for (const n of Object.values(r.retries)) retries += n;
  }
  return { kind: 'lambda', region, functionName, invocations, gbSeconds, estimatedCostUSD, retries };
}

function usd(x: number): string {
  if (x === 0) return '$0';
  if (x < 1e-6) return '< $0.000001';
  return x < 0.01 ? `$${x.toPrecision(2)}` : `$${x.toFixed(2)}`;
}

/** "AWS Lambda, eu-west-1, 46 invocations, 123 GB-s, ≈ $0.0021" or "This browser". */
export function describeRunOn(r: RunOn | undefined): string {
  if (!r || r.kind === 'browser') return 'This browser';
  const gb = r.gbSeconds < 10 ? r.gbSeconds.toFixed(1) : Math.round(r.gbSeconds).toLocaleString('en-US');
  const retries = r.retries ? `, ${r.retries} retries` : '';
  return `AWS Lambda, ${r.region}, ${r.invocations.toLocaleString('en-US')} invocations${retries}, ${gb} GB-s, ≈ ${usd(r.estimatedCostUSD)}`;
}
