/**
 * Where everything of a reprovision is, for a target root given as
 * `--sysroot` (default `/`). Two shapes are recognised:
 * - a booted Fedora CoreOS root (`/`, or the host's `/` mounted into the agent's
 *   container): `ostree/` is under `sysroot/`, the loader entries under `boot/`;
 * - a physical ostree sysroot that is not running (a disk mounted elsewhere, the
 *   tests): `ostree/` and `boot/` side by side.
 */
import { join } from 'node:path';
import type { FsReader } from '../../common/fs/fs-reader.js';
import { ReprovisionError } from '../errors.js';
import type { SysrootPaths } from './deployments.js';

/** The reprovision state directory, relative to the stateroot's /var; the rotation of /var never moves it. */
export const STATE_SUBDIR = '.ironic-coreos-agent/reprovision';

/** The top-level entry of /var the state directory is in. */
export const STATE_TOP = '.ironic-coreos-agent';

/** Paths of one target. */
export interface Layout extends SysrootPaths {
  /** The root as given. */
  readonly root: string;
  readonly stateroot: string;
  /** The stateroot's /var: `ostree/deploy/<stateroot>/var`. */
  readonly varDir: string;
  /** {@link STATE_SUBDIR} in {@link varDir}: stamp, config copy, backups, scripts. */
  readonly stateDir: string;
  /** `boot/ignition`: where Fedora CoreOS's initrd looks for `config.ign` on a first boot. */
  readonly ignitionDir: string;
  /** `boot/ignition.firstboot`: its presence makes GRUB add `ignition.firstboot`. */
  readonly firstbootFlag: string;
}

/**
 * The sysroot paths of `root`.
 * @throws ReprovisionError when `root` holds no ostree sysroot
 */
export async function sysrootPaths(fs: FsReader, root: string): Promise<SysrootPaths> {
  if (await fs.exists(join(root, 'sysroot', 'ostree', 'deploy'))) {
    return { physical: join(root, 'sysroot'), boot: join(root, 'boot') };
  }
  if (await fs.exists(join(root, 'ostree', 'deploy'))) return { physical: root, boot: join(root, 'boot') };
  throw new ReprovisionError(
    `${root} is not an ostree system: neither ${join(root, 'sysroot/ostree/deploy')} nor ${join(root, 'ostree/deploy')} exists`,
    'Run this on an installed Fedora CoreOS node, or point --sysroot at its root; nothing was changed',
  );
}

/** The full layout once the stateroot is known. */
export function layoutFor(root: string, paths: SysrootPaths, stateroot: string): Layout {
  const varDir = join(paths.physical, 'ostree', 'deploy', stateroot, 'var');
  return {
    root,
    ...paths,
    stateroot,
    varDir,
    stateDir: join(varDir, STATE_SUBDIR),
    ignitionDir: join(paths.boot, 'ignition'),
    firstbootFlag: join(paths.boot, 'ignition.firstboot'),
  };
}
