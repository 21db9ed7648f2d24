/**
 * The ostree commit tree of the CoreOS-like image, made from a Debian root
 * (testbed/vm/build-image-root.sh): /usr as is (kernel and initramfs already
 * in usr/lib/modules/<kver>/), /etc moved to /usr/etc (ostree's default
 * config), the merged-/usr symlinks, `/ostree`, FCOS-like top-level links into /var, and
 * the files of testbed/vm/guest-tree/ on top: the unit reporting the boot on
 * the testisocompletion port, FCOS's firstboot-complete step, /boot in fstab,
 * /var's tmpfiles and sshd's settings.
 */
import { chmodSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Runner } from '../../common/exec/runner.js';

/** The files laid over the tree, in the tree's own layout. */
export const GUEST_TREE = fileURLToPath(new URL('guest-tree', import.meta.url));

/** Units of the guest tree enabled in the image, with the target that wants each. */
export const ENABLED_UNITS: ReadonlyArray<readonly [unit: string, target: string]> = [
  ['ica-vm-booted.service', 'multi-user.target'],
  ['coreos-ignition-firstboot-complete.service', 'basic.target'],
  ['ica-vm-job.service', 'multi-user.target'],
];

/**
 * Writes the tree into `tree` (which must not exist) from `root`.
 * /usr is hard-linked, not copied: ostree commit only reads it.
 */
export async function writeImageTree(root: string, tree: string, runner: Runner): Promise<void> {
  mkdirSync(tree);
  await runner.run(['cp', '-al', join(root, 'usr'), join(tree, 'usr')]);
  await runner.run(['cp', '-a', join(root, 'etc'), join(tree, 'usr/etc')]);
  // No machine ID and no SSH host keys: each machine makes its own on its first boot.
  // `uninitialized` (machine-id(5)) makes that boot systemd's first boot, which applies the
  // presets: Ignition enables units by writing /etc/systemd/system-preset/20-ignition.preset.
  writeFileSync(join(tree, 'usr/etc/machine-id'), 'uninitialized\n');
  const ssh = join(tree, 'usr/etc/ssh');
  for (const key of readdirSync(ssh).filter((f) => f.startsWith('ssh_host_'))) rmSync(join(ssh, key));
  for (const link of ['bin', 'sbin', 'lib', 'lib64']) symlinkSync(`usr/${link}`, join(tree, link));
  // ostree on the booted system opens the sysroot `/` and its repo at `ostree/repo`, so the
  // tree carries `/ostree -> sysroot/ostree` (ostreedev/ostree docs/adapting-existing.md);
  // without it `ostree admin status` fails (`opendir(ostree/repo)`)
  symlinkSync('sysroot/ostree', join(tree, 'ostree'));
  symlinkSync('var/home', join(tree, 'home'));
  symlinkSync('var/roothome', join(tree, 'root'));
  for (const dir of ['boot', 'dev', 'proc', 'run', 'sys', 'sysroot', 'tmp', 'var', 'mnt']) mkdirSync(join(tree, dir));
  chmodSync(join(tree, 'tmp'), 0o1777);
  // --remove-destination: never write through the hard links into the cached root
  await runner.run(['cp', '-r', '--remove-destination', `${GUEST_TREE}/.`, tree]);
  const systemd = join(tree, 'usr/lib/systemd/system');
  for (const [unit, target] of ENABLED_UNITS) {
    mkdirSync(join(systemd, `${target}.wants`), { recursive: true });
    symlinkSync(`../${unit}`, join(systemd, `${target}.wants`, unit));
  }
}
