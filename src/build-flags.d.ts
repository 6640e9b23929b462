// Build-time constants (replaced by the bundler's `define`; a missing definition is a ReferenceError, never a silent
// default).
/**
 * True only in test builds (the e2e harness build, the local Lambda bundle the tests run): registers test-only
 * tasks. The production build (vite.config.ts) and the deployed Lambda (cloud/build.mjs --release) set it false, so
 * that code is dropped from their bundles.
 */
declare const __IMZLENS_TEST_TASKS__: boolean;
/** True in the page build (vite.config.ts): register the offline service worker. False in the e2e harness build. */
declare const __IMZLENS_PWA__: boolean;
