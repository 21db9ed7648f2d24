/**
 * On a running node, `/sysroot` is mounted read-only (ostree's
 * `sysroot.readonly`, which Fedora CoreOS sets) and /boot may be too. ostree
 * writes through them from a private mount namespace where it remounts them
 * read-write (ostreedev/ostree src/libostree/ostree-sysroot.c
 * `_ostree_sysroot_ensure_writable`); `apply` and `rollback` do the same by
 * running themselves again under `unshare --mount`, so the remounts never
 * reach the node's own namespace.
 */
import { join } from 'node:path';

/** The programs {@link privateNamespaceArgv} runs, besides the shell. */
export const NAMESPACE_COMMANDS = ['unshare', 'mount', 'rm'] as const;

/** Set in the environment of the re-run, so it does not re-run itself again. */
export const PRIVATE_NAMESPACE_ENV = 'ICA_REPROVISION_PRIVATE_NS';

/**
 * The script run in the new namespace: `$1` the sysroot mount, `$2` /boot,
 * then the command. /boot is remounted only when it cannot be written.
 */
export const REMOUNT_SCRIPT = [
  'set -eu',
  'sysroot=$1 boot=$2',
  'shift 2',
  'mount -o remount,rw "$sysroot"',
  'if ! ( : > "$boot/.ironic-coreos-agent-rw" ) 2>/dev/null; then mount -o remount,rw "$boot"; fi',
  'rm -f "$boot/.ironic-coreos-agent-rw"',
  'exec "$@"',
].join('\n');

/** argv that runs `command` in a private mount namespace with the sysroot of `root` writable. */
export function privateNamespaceArgv(root: string, command: readonly string[]): string[] {
  return [
    'unshare',
    '--mount',
    '--propagation',
    'private',
    '--',
    'sh',
    '-c',
    REMOUNT_SCRIPT,
    'sh',
    join(root, 'sysroot'),
    join(root, 'boot'),
    ...command,
  ];
}
