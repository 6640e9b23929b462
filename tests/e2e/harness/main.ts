// Test harness page: exposes browser-side modules on `window.imzlensHarness` for Playwright tests.
// Each area registers its functions in its own module under src/harness/.
const harness: Record<string, unknown> = {};
(window as unknown as { imzlensHarness: typeof harness }).imzlensHarness = harness;
const modules = import.meta.glob('./*.harness.ts');
Promise.all(Object.values(modules).map((load) => load().then((m) => Object.assign(harness, (m as { api: object }).api)))).then(
  () => document.body.setAttribute('data-ready', '1'),
);
