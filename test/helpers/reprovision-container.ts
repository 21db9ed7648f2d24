/**
 * `reprovision apply` run from the agent image against a sysroot mounted into
 * the container, as an operator runs it with the host's root mounted. The
 * image has no ostree (the node's own is used, through chroot); here the
 * "node's" ostree is forky's, from its root mounted into the container, with
 * the sysroot at the same path inside both.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Podman } from '../../testbed/podman.js';
import { rootPath } from '../../testbed/ironic-roots.js';
import { RECENT_OSTREE_SUITE } from '../../testbed/ostree-tools.js';
import type { CoreosSysroot } from '../../testbed/ostree-sysroot.js';

/** Where forky's root is mounted in the container. */
const OSTREE_ROOT = '/opt/ostree-root';

/**
 * Write the wrapper the container runs as `--ostree`: proc and /dev for the
 * chroot (in the container's own mount namespace), then forky's ostree.
 */
export function writeContainerOstree(dir: string): string {
  const path = join(dir, 'ostree-in-container');
  writeFileSync(
    path,
    [
      '#!/bin/sh',
      'set -e',
      `r=${OSTREE_ROOT}`,
      '[ -e "$r/proc/self" ] || mount -t proc proc "$r/proc"',
      '[ -e "$r/dev/null" ] || mount --rbind /dev "$r/dev"',
      'exec chroot "$r" ostree "$@"',
      '',
    ].join('\n'),
  );
  chmodSync(path, 0o755);
  return path;
}

/** Run `reprovision <args>` in `image` with /var/tmp (sysroot, work dir) and forky's root mounted. */
export async function reprovisionInContainer(
  podman: Podman,
  image: string,
  args: readonly string[],
): Promise<{ exitCode: number | null; stdout: string; stderr: string }> {
  const result = await podman.run(
    [
      'run',
      '--rm',
      '--privileged',
      '-v',
      '/var/tmp:/var/tmp',
      '-v',
      `${rootPath(RECENT_OSTREE_SUITE)}:${OSTREE_ROOT}`,
      '-v',
      `/var/tmp:${OSTREE_ROOT}/var/tmp`,
      image,
      'reprovision',
      ...args,
    ],
    { okExitCodes: [0, 1, 2] },
  );
  return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
}

/** The arguments of `apply` for `sysroot` with the container's ostree wrapper. */
export function containerApplyArgs(sysroot: CoreosSysroot, ostree: string, config: string): string[] {
  return ['apply', '--sysroot', sysroot.sysroot, '--ostree', ostree, '--keep', 'lib/keep-me', config];
}
