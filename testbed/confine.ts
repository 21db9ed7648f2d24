/**
 * Builds the command line that runs a program INSIDE a test node's
 * confinement: its network namespace plus a private mount namespace in which
 * testbed/confine.sh hides every block device except the node's test disks.
 * The script's header documents exactly what the confined program sees.
 */
import { fileURLToPath } from 'node:url';

/** Absolute path of the confinement script. */
export const CONFINE_SCRIPT = fileURLToPath(new URL('./confine.sh', import.meta.url));

/** Where and how to confine a command. */
export interface ConfinementSpec {
  /** Network namespace name. */
  namespace: string;
  /** Kernel names of the whole disks to expose (e.g. ['loop3', 'loop4']). */
  disks: readonly string[];
  /** Directory standing in for the host root (the agent's /mnt/coreos): gets the confined /dev (and /sys if it has one). */
  hostRoot?: string;
  /** Partition slots prepared per disk in /sys/class/block (default 16 in the script). */
  maxPartitions?: number;
}

/**
 * `ip netns exec <ns> unshare --mount --propagation private -- bash confine.sh … -- <argv>`.
 * @throws Error when argv is empty.
 */
export function confinedArgv(spec: ConfinementSpec, argv: readonly string[]): string[] {
  if (argv.length === 0) throw new Error('confinedArgv: no command to run');
  const options: string[] = [];
  for (const disk of spec.disks) options.push('--disk', disk);
  if (spec.hostRoot !== undefined) options.push('--host-root', spec.hostRoot);
  if (spec.maxPartitions !== undefined) options.push('--max-partitions', String(spec.maxPartitions));
  return [
    'ip',
    'netns',
    'exec',
    spec.namespace,
    'unshare',
    '--mount',
    '--propagation',
    'private',
    '--',
    '/bin/bash',
    CONFINE_SCRIPT,
    ...options,
    '--',
    ...argv,
  ];
}
