// Asks the browser to confirm leaving the page while a write to IndexedDB is still in flight: a reload or a closed
// tab aborts open IndexedDB transactions, and the change (an ROI just drawn or deleted) would be lost silently.
// Writes are short (milliseconds), so the prompt only appears when the user leaves at that exact moment.
let pending = 0;

function onBeforeUnload(e: BeforeUnloadEvent): void {
  e.preventDefault();
  // Chromium still wants returnValue set to show the prompt
  e.returnValue = '';
}

/** Runs `write`, holding the page open until it settles. */
export async function guardUnload<T>(write: () => Promise<T>): Promise<T> {
  if (pending++ === 0) addEventListener('beforeunload', onBeforeUnload);
  try {
    return await write();
  } finally {
    if (--pending === 0) removeEventListener('beforeunload', onBeforeUnload);
  }
}

/** Writes not yet settled (for tests and the panel's data-saving attribute). */
export const pendingWrites = (): number => pending;
