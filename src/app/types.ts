// UI-side shapes shared by components.
export interface StageProgress {
  stage: string;
  done: number;
  total: number;
  startedAt: number;
  finishedAt: number | null;
}
