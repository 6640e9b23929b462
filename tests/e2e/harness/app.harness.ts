// Harness for the page's browser modules: mounts the ion image viewer on a given Float32Array so
// Playwright can check rendering and hover values before real jobs exist.
import { mount, unmount } from 'svelte';
import IonViewer from '../../../src/app/viewer/IonViewer.svelte';
import TableHarness from './TableHarness.svelte';
import type { AnnotationRow } from '../../../src/core/job/result.ts';

let current: ReturnType<typeof mount> | null = null;

export const api = {
  /** Mounts the viewer (640×480 box) on an image given as plain numbers (row-major, y down). */
  showIonImage(spec: { width: number; height: number; values: number[]; mask?: number[]; minX?: number; minY?: number; title?: string }) {
    if (current) unmount(current);
    let host = document.getElementById('viewer-host');
    if (!host) {
      host = document.createElement('div');
      host.id = 'viewer-host';
      host.style.cssText = 'width:640px;height:560px;border:0;margin:0;padding:0';
      document.body.prepend(host);
    }
    current = mount(IonViewer, {
      target: host,
      props: {
        image: new Float32Array(spec.values),
        width: spec.width,
        height: spec.height,
        mask: spec.mask ? new Uint8Array(spec.mask) : null,
        minX: spec.minX ?? 1,
        minY: spec.minY ?? 1,
        title: spec.title ?? 'test image',
      },
    });
    return true;
  },
};

// Worker pool checks: real module workers running registered test tasks.
import { WorkerPool } from '../../../src/platform/browser/worker-pool.ts';
import { CancelledError } from '../../../src/core/job/executor.ts';

async function settle<T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; name: string; message: string }> {
  try {
    return { ok: true, value: await p };
  } catch (e) {
    return { ok: false, name: (e as Error).name, message: (e as Error).message };
  }
}

Object.assign(api, {
  /** Echo task over the pool: results in input order, typed arrays intact, progress counted. */
  async poolEcho(n: number) {
    const pool = new WorkerPool({ workers: 2 });
    const progress: number[] = [];
    const inputs = Array.from({ length: n }, (_, i) => ({ i, data: new Float32Array([i, i + 0.5]) }));
    const out = await pool.map<typeof inputs[0], typeof inputs[0]>('test-echo', inputs, { onProgress: (d) => progress.push(d) });
    await pool.close();
    return { order: out.map((o) => o.i), typed: out.every((o, i) => o.data instanceof Float32Array && o.data[1] === i + 0.5), progress, concurrency: pool.concurrency };
  },
  /** A worker that throws asynchronously (uncaught) fails the job with its message. */
  async poolCrash() {
    const pool = new WorkerPool({ workers: 2 });
    const r = await settle(pool.map('test-crash', [1, 2, 3]));
    // the pool still works afterwards (crashed workers are replaced)
    const again = await settle(pool.map('test-echo', [7]));
    await pool.close();
    return { r, again };
  },
  /** Aborting a running map rejects with CancelledError and terminates the workers; the pool respawns. */
  async poolCancel() {
    const pool = new WorkerPool({ workers: 2 });
    const ctrl = new AbortController();
    const p = settle(pool.map('test-hang', [1, 2], { signal: ctrl.signal }));
    setTimeout(() => ctrl.abort(), 200);
    const r = await p;
    const again = await settle(pool.map('test-echo', [5]));
    await pool.close();
    return { r, cancelledName: new CancelledError().name, again };
  },
  /** An unknown task name is an error naming the task, not a hang. */
  async poolUnknown() {
    const pool = new WorkerPool({ workers: 1 });
    const r = await settle(pool.map('no-such-task', [1]));
    await pool.close();
    return r;
  },
});

/** Synthetic rows (plain numbers, no science) to exercise the virtual table at scale. */
function fakeRows(n: number): AnnotationRow[] {
  const rows: AnnotationRow[] = [];
  for (let i = 0; i < n; i++) {
    rows.push({
      formula: `C${i}H${2 * i}O`, chemMod: '', neutralLoss: '', adduct: '+H', ionFormula: `C${i}H${2 * i + 1}O`, ion: `C${i}H${2 * i}O+H+`,
      mz: 100 + i * 0.01, msm: 1 - i / n, fdr: 0.05, fdrRaw: 0.01, chaos: 0.9, spatial: 0.8, spectral: 0.9, mzErrAbs: 0, mzErrRel: 0,
      database: 'synthetic', moleculeIds: [String(i)], moleculeNames: [`molecule ${i}`], centroidMzs: [100, 101, 0, 0], centroidInts: [100, 5, 0, 0],
      totalInt: [1, 0, 0, 0], maxInt: [1, 0, 0, 0], nPx: [1, 0, 0, 0],
    });
  }
  return rows;
}

let table: ReturnType<typeof mount> | null = null;
Object.assign(api, {
  /** Mounts the annotation table (600 px high) with n synthetic rows; selection follows clicks/keys. */
  showTable(n: number) {
    if (table) unmount(table);
    let host = document.getElementById('table-host');
    if (!host) {
      host = document.createElement('div');
      host.id = 'table-host';
      host.style.cssText = 'width:900px;height:600px;display:flex;flex-direction:column';
      document.body.prepend(host);
    }
    table = mount(TableHarness, { target: host, props: { rows: fakeRows(n) } });
    return true;
  },
});
