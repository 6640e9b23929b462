// Where a job runs, decided once for the CLI and the page (pure: no I/O, no SDK). Three run modes, named after
// Lithops-METASPACE's:
//   local      — the dataset in local storage (file store / IndexedDB), tasks on local workers (NodePool / WorkerPool);
//   hybrid     — ingested locally, the segments copied to S3 once, tasks in AWS Lambda;
//   serverless — the dataset ingested in Lambda (CLI: the imzML/ibd go to S3; page: a cloud dataset), tasks in Lambda.
// 'auto' picks hybrid for a large job (core's isLargeJob) when the cloud settings are usable, else local. A dataset
// whose segments are only in S3 can run nowhere but in Lambda. The concrete builders are per platform:
// platform/node/place.ts (CLI) and workers/job-worker.ts (page).
export type RunMode = 'local' | 'hybrid' | 'serverless';
export type ModeRequest = RunMode | 'auto';

export const MODE_REQUESTS: readonly ModeRequest[] = ['local', 'auto', 'serverless', 'hybrid'];

export interface PlacementFacts {
  requested: ModeRequest;
  /** Cloud settings are present and valid. */
  cloudUsable: boolean;
  /** The dataset's segments are in S3 only (the page's cloud datasets). */
  datasetInCloud?: boolean;
  /** Whether the job is large (isLargeJob); asked only for 'auto' (absent = not large). */
  large?: () => boolean;
}

/** The run mode for a request; see the module comment for the rule. */
export function decideMode(f: PlacementFacts): RunMode {
  if (f.datasetInCloud) return 'serverless';
  if (f.requested !== 'auto') return f.requested;
  return f.cloudUsable && (f.large?.() ?? false) ? 'hybrid' : 'local';
}

/** Whether a mode runs its tasks in Lambda. */
export function runsInLambda(mode: RunMode): mode is Exclude<RunMode, 'local'> {
  return mode !== 'local';
}

/** The page's "Run on" choices (the job form). */
export type RunOnChoice = 'browser' | 'lambda' | 'auto';

/**
 * Where the job form's "Run on" choice sends a job, by the same rule: "Auto" sends a large job to Lambda when the
 * cloud settings are usable; a cloud dataset always goes to Lambda.
 */
export function chooseRunOn(runOn: RunOnChoice, o: { cloudUsable: boolean; cloudDataset: boolean; large: () => boolean }): 'browser' | 'lambda' {
  const requested = runOn === 'browser' ? 'local' : runOn === 'lambda' ? 'hybrid' : 'auto';
  return runsInLambda(decideMode({ requested, cloudUsable: o.cloudUsable, datasetInCloud: o.cloudDataset, large: o.large })) ? 'lambda' : 'browser';
}
