/** What the Ignition validator reports, shared by its shape and rule checks. */

/** One finding. `path` is a JSON path in Ignition's style (`$.storage.files.0.path`). */
export interface IgnitionIssue {
  path: string;
  message: string;
  /** Errors make Ignition refuse the config; warnings do not. */
  severity: 'error' | 'warning';
}
