// Score-task sizing (core/job/stages/plan.ts): a small dataset gets one task per worker, a large one 8 per worker.
import { describe, expect, it } from 'vitest';
import { defaultTaskSize, MIN_TASK_WORK } from '../../src/core/job/stages/plan.ts';

const tasksFor = (nIons: number, workers: number, peaks?: number) => Math.ceil(nIons / defaultTaskSize(nIons, workers, peaks));

describe('defaultTaskSize', () => {
  it('gives the tiny dataset (8,199 peaks) × CoreMetabolome (117,124 ions) one task per worker', () => {
    expect(tasksFor(117_124, 2, 8_199)).toBe(2);
    expect(tasksFor(117_124, 4, 8_199)).toBe(4);
  });

  it('grows the task count with the work (ions × peaks) up to 8 per worker', () => {
    const ions = 100_000;
    const peaksFor = (tasks: number) => (tasks * MIN_TASK_WORK) / ions;
    expect(tasksFor(ions, 2, peaksFor(5))).toBe(5);
    expect(tasksFor(ions, 2, peaksFor(15))).toBe(15);
    expect(tasksFor(ions, 2, 10_000_000)).toBe(16);
  });

  it('keeps the old bounds on large data or without a peak count: ≤ 20,000 and ≥ 500 ions per task', () => {
    expect(defaultTaskSize(1_000_000, 2, 50_000_000)).toBe(20_000);
    expect(defaultTaskSize(1_000_000, 2)).toBe(20_000);
    expect(defaultTaskSize(117_124, 2)).toBe(Math.ceil(117_124 / 16));
    expect(defaultTaskSize(1_000, 2, 100)).toBe(500);
    expect(defaultTaskSize(0, 2, 100)).toBe(500);
    expect(defaultTaskSize(0, 2)).toBe(500);
  });
});
