// The ingest's storage messages (workers/ingest-worker-quota.ts): needed vs free MB and what to delete; when the
// browser's estimate claims more room than the dataset needs after a write was refused (Chrome's fixed figure),
// the message gives what was stored before the refusal instead of that number.
import { describe, expect, it } from 'vitest';
import { bytesNeeded, isQuotaError, notEnoughBefore, notEnoughDuring } from '../../workers/ingest-worker-quota.ts';
import { StorageQuotaError } from '../../src/platform/browser/idb-store.ts';

describe('ingest storage quota messages', () => {
  it('reserves twice the ibd plus the imzML', () => {
    expect(bytesNeeded(6_542_632, 1_850_721)).toBe(2 * 6_542_632 + 1_850_721);
  });

  it('before the ingest: needed and free MB, what to do', () => {
    expect(notEnoughBefore('fixture', 14_935_985, 4_000_000).message).toBe(
      'Not enough browser storage for fixture: this dataset needs about 15 MB, 4.0 MB are free. Delete datasets in the library or free disk space, then try again.');
  });

  it('after a refused write: the measured free space when it is believable, else what was stored', () => {
    const honest = notEnoughDuring('big', 120e6, 35.4e6, 30e6).message;
    expect(honest).toContain('this dataset needs about 120 MB, 35 MB are free.');
    expect(honest).toContain('The partial dataset was removed; nothing else was changed.');
    const fixed = notEnoughDuring('big', 120e6, 10.7e9, 30e6).message;
    expect(fixed).toContain('this dataset needs about 120 MB, the browser refused more after 30 MB.');
    expect(notEnoughDuring('big', 120e6, null, 2.5e6).message).toContain('refused more after 2.5 MB');
    expect(notEnoughDuring('big', 120e6, 10.7e9, 12_000).message).toContain('this dataset needs about 120 MB, the browser refused to store it.');
  });

  it('recognises the browser\'s and the store\'s quota errors, nothing else', () => {
    expect(isQuotaError(new DOMException('', 'QuotaExceededError'))).toBe(true);
    expect(isQuotaError(new StorageQuotaError('full', 10))).toBe(true);
    expect(isQuotaError(new Error('fixture.ibd: read past the end'))).toBe(false);
    expect(isQuotaError(null)).toBe(false);
  });
});
