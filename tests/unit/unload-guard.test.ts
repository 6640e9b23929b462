// The page asks before leaving while an IndexedDB write is in flight (services/unload-guard.ts): the beforeunload
// handler is on exactly while at least one guarded write is pending, and it asks the browser to confirm.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { guardUnload, pendingWrites } from '../../src/app/services/unload-guard.ts';

/** Node's Event has a read-only returnValue; a browser's BeforeUnloadEvent lets the handler set it. */
class BeforeUnload extends Event {
  override returnValue = true;
  constructor() {
    super('beforeunload', { cancelable: true });
  }
}

describe('guardUnload', () => {
  const target = new EventTarget();
  vi.stubGlobal('addEventListener', target.addEventListener.bind(target));
  vi.stubGlobal('removeEventListener', target.removeEventListener.bind(target));
  afterEach(() => expect(pendingWrites()).toBe(0));

  /** Dispatches a cancelable beforeunload; true = the page asked to stay (a prompt would show). */
  const leaving = (): boolean => {
    const e = new BeforeUnload();
    target.dispatchEvent(e);
    return e.defaultPrevented;
  };

  it('holds the page while writes are pending, and lets it go when they settle (also on failure)', async () => {
    expect(leaving()).toBe(false);
    let finishA!: () => void;
    let failB!: (e: Error) => void;
    const a = guardUnload(() => new Promise<void>((r) => { finishA = r; }));
    const b = guardUnload(() => new Promise<void>((_, j) => { failB = j; }));
    expect(pendingWrites()).toBe(2);
    expect(leaving()).toBe(true);
    finishA();
    await a;
    expect(leaving()).toBe(true);
    failB(new Error('QuotaExceededError'));
    await expect(b).rejects.toThrow('QuotaExceededError');
    expect(leaving()).toBe(false);
  });

  it('returns the write result', async () => {
    await expect(guardUnload(async () => 42)).resolves.toBe(42);
  });
});
