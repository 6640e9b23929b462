// The one error type of bundle reading/writing: its message says what is wrong, where, and what to do.
export class BundleError extends Error {
  override name = 'BundleError';
}
