// "Lock intensity": one absolute min/max kept while the user moves between annotations, so their images compare.
// A range is in the units it was locked in (raw or TIC-normalised): switching normalisation while locked keeps
// the lock on, in the new units — the range last locked in those units if there is one, else the current image's
// default range — and remembers the other so switching back restores it.

export interface Range { min: number; max: number }

export interface LockedRange extends Range {
  /** Units of min/max: true = TIC-normalised. */
  tic?: boolean;
  /** The range locked in the other units, restored when the normalisation is switched back. */
  other?: Range & { tic?: boolean };
}

/** The lock to apply with normalisation `norm` (null = unlocked); `auto` is the shown image's default range. */
export function lockFor(lock: LockedRange | null, norm: boolean, auto: Range): LockedRange | null {
  if (!lock) return null;
  if (!!lock.tic === norm) return lock;
  const prev = { min: lock.min, max: lock.max, tic: !!lock.tic };
  if (lock.other && !!lock.other.tic === norm) return { min: lock.other.min, max: lock.other.max, tic: norm, other: prev };
  return { min: auto.min, max: auto.max, tic: norm, other: prev };
}
