// Child process of the local Lambda server: one warm "execution environment". Loads the bundled handler
// once, then runs one invocation at a time on request over IPC (like a Lambda sandbox).
// argv: <handler bundle path>
import { pathToFileURL } from 'node:url';

const mod = await import(pathToFileURL(process.argv[2]).href);
if (typeof mod.handler !== 'function') {
  process.send({ type: 'init-error', error: `${process.argv[2]} exports no handler function` });
  process.exit(1);
}
process.send({ type: 'ready' });

process.on('message', async (msg) => {
  if (msg?.type !== 'invoke') return;
  const deadline = Date.now() + msg.timeoutMs;
  const context = {
    awsRequestId: msg.requestId,
    functionName: msg.functionName,
    memoryLimitInMB: String(msg.memoryMB),
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  try {
    const result = await mod.handler(msg.event, context);
    process.send({ type: 'result', id: msg.id, ok: true, payload: result ?? null });
  } catch (e) {
    process.send({
      type: 'result',
      id: msg.id,
      ok: false,
      payload: { errorType: e?.name ?? 'Error', errorMessage: String(e?.message ?? e), trace: String(e?.stack ?? '').split('\n') },
    });
  }
});
