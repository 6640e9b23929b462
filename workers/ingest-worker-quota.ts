// Storage quota for the ingest worker: the pre-check before an ingest starts (navigator.storage.estimate) and the
// message when the browser refuses a write (QuotaExceededError). Both say how much the dataset needs and how much
// is free, and what to delete. Real browsers only: tests lower Chromium's quota through the DevTools protocol.
import { StorageQuotaError } from '../src/platform/browser/idb-store.ts';

export class QuotaError extends Error {
  override name = 'QuotaError';
}

/** Segments take ~16 bytes per peak; ibd files store 8–12: reserve twice the ibd size plus the imzML's size. */
export const QUOTA_FACTOR = 2;

export function bytesNeeded(ibdBytes: number, imzmlBytes: number): number {
  return ibdBytes * QUOTA_FACTOR + imzmlBytes;
}

/** Free bytes for this origin, or null when the browser does not say. */
export async function freeBytes(): Promise<number | null> {
  const est = await navigator.storage?.estimate?.().catch(() => null);
  return est && est.quota != null && est.usage != null ? Math.max(0, est.quota - est.usage) : null;
}

export function isQuotaError(e: unknown): boolean {
  const err = e as { name?: string; message?: string; inner?: { name?: string } } | null;
  if (e instanceof StorageQuotaError) return true;
  return !!err && (err.name === 'QuotaExceededError' || /quota/i.test(err.message ?? '') || err.inner?.name === 'QuotaExceededError');
}

function mb(n: number): string {
  const v = n / 1e6;
  return v < 10 ? v.toFixed(1) : v.toFixed(0);
}

const WHAT_TO_DO = 'Delete datasets in the library or free disk space, then try again.';

/** Before the ingest: the estimate says it will not fit. */
export function notEnoughBefore(name: string, need: number, free: number): QuotaError {
  return new QuotaError(`Not enough browser storage for ${name}: this dataset needs about ${mb(need)} MB, ${mb(free)} MB are free. ${WHAT_TO_DO}`);
}

/**
 * A write was refused mid-ingest (the partial dataset is already removed). `free` is measured after the removal; when
 * the browser's estimate claims more than the need (Chrome reports a fixed figure unless told otherwise), it cannot be
 * trusted, and the message says how much was stored before the refusal instead.
 */
export function notEnoughDuring(name: string, need: number, free: number | null, written: number): QuotaError {
  const room = free != null && free < need ? `${mb(free)} MB are free`
    : written >= 0.05e6 ? `the browser refused more after ${mb(written)} MB` : 'the browser refused to store it';
  return new QuotaError(`Not enough browser storage for ${name}: this dataset needs about ${mb(need)} MB, ${room}. The partial dataset was removed; nothing else was changed. ${WHAT_TO_DO}`);
}
