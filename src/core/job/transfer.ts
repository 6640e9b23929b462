// Finds the ArrayBuffers inside a task's input/output so they can be transferred, not copied, between threads.
export function collectTransferables(value: unknown, out: ArrayBuffer[] = [], seen = new Set<ArrayBuffer>()): ArrayBuffer[] {
  if (value === null || typeof value !== 'object') return out;
  if (ArrayBuffer.isView(value)) {
    const buf = value.buffer;
    // only whole, non-shared buffers: transferring a buffer that other views still use would detach them
    if (buf instanceof ArrayBuffer && !seen.has(buf) && value.byteOffset === 0 && value.byteLength === buf.byteLength) {
      seen.add(buf);
      out.push(buf);
    }
    return out;
  }
  if (Array.isArray(value)) {
    for (const v of value) collectTransferables(v, out, seen);
    return out;
  }
  for (const v of Object.values(value as Record<string, unknown>)) collectTransferables(v, out, seen);
  return out;
}
