// UI-side shapes shared by components.
export interface StageProgress {
  stage: string;
  done: number;
  total: number;
  startedAt: number;
  finishedAt: number | null;
  /** Set when the job failed or was cancelled during this stage (its timer stops, no ✓). */
  stopped?: boolean;
  /** Parts done when the stage's count first showed (a continued job's stored tasks): not part of its pace. */
  doneBefore?: number;
}
