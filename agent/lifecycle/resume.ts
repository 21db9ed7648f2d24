/** Which interrupted commands a restarted agent runs again (idempotent steps only). */

/**
 * Steps are safe to run again: erasing metadata is idempotent, and
 * install_coreos re-checks its install stamp (same config and disk only).
 */
export function isResumable(name: string): boolean {
  return /^(deploy|clean|service)\.execute_(deploy|clean|service)_step$/.test(name);
}
