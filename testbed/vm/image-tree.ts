/**
 * The ostree commit tree of the CoreOS-like image, made from a Debian root
 * (testbed/vm/build-image-root.sh): /usr as is (kernel and initramfs already
 * in usr/lib/modules/<kver>/), /etc moved to /usr/etc (ostree's default
 * config), the merged-/usr symlinks, FCOS-like top-level links into /var, and
 * a unit that reports the boot on the testisocompletion port.
 */
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Runner } from '../../common/exec/runner.js';
import { COMPLETION_PORT } from './machine-argv.js';

/** The first word of the line the image writes on the completion port once booted. */
export const BOOTED_MARKER = 'ICA-VM-BOOTED';

/** The unit reporting the boot (wanted by multi-user.target). */
export const BOOTED_UNIT = [
  '[Unit]',
  'Description=Report the boot on the testisocompletion port (ironic-coreos-agent VM tests)',
  'After=basic.target',
  '',
  '[Service]',
  'Type=oneshot',
  'ExecStart=/usr/lib/ica-vm/report-boot',
  'StandardOutput=journal+console',
  '',
  '[Install]',
  'WantedBy=multi-user.target',
  '',
].join('\n');

/** The script the unit runs: which ostree deployment booted, on the port and on the console. */
export const REPORT_BOOT_SCRIPT = [
  '#!/bin/sh',
  `port=/dev/virtio-ports/${COMPLETION_PORT}`,
  'modprobe virtio_console 2>/dev/null',
  'i=0; while [ ! -e "$port" ] && [ $i -lt 60 ]; do sleep 1; i=$((i+1)); done',
  'ostree=$(tr " " "\\n" < /proc/cmdline | grep "^ostree=")',
  'booted=no; [ -e /run/ostree-booted ] && booted=yes',
  'firstboot=no; tr " " "\\n" < /proc/cmdline | grep -qx ignition.firstboot && firstboot=yes',
  `line="${BOOTED_MARKER} $ostree ostree-booted=$booted ignition.firstboot=$firstboot"`,
  'echo "$line"',
  '[ -e "$port" ] && echo "$line" > "$port"',
  '',
].join('\n');

/** tmpfiles.d lines for the /var directories the top-level links point to. */
export const VAR_TMPFILES = ['d /var/home 0755 root root -', 'd /var/roothome 0700 root root -', ''].join('\n');

/**
 * Writes the tree into `tree` (which must not exist) from `root`.
 * /usr is hard-linked, not copied: ostree commit only reads it.
 */
export async function writeImageTree(root: string, tree: string, runner: Runner): Promise<void> {
  mkdirSync(tree);
  await runner.run(['cp', '-al', join(root, 'usr'), join(tree, 'usr')]);
  await runner.run(['cp', '-a', join(root, 'etc'), join(tree, 'usr/etc')]);
  writeFileSync(join(tree, 'usr/etc/machine-id'), '');
  for (const link of ['bin', 'sbin', 'lib', 'lib64']) symlinkSync(`usr/${link}`, join(tree, link));
  symlinkSync('var/home', join(tree, 'home'));
  symlinkSync('var/roothome', join(tree, 'root'));
  for (const dir of ['boot', 'dev', 'proc', 'run', 'sys', 'sysroot', 'tmp', 'var', 'mnt']) mkdirSync(join(tree, dir));
  chmodSync(join(tree, 'tmp'), 0o1777);
  const systemd = join(tree, 'usr/lib/systemd/system');
  writeFileSync(join(systemd, 'ica-vm-booted.service'), BOOTED_UNIT);
  mkdirSync(join(systemd, 'multi-user.target.wants'), { recursive: true });
  symlinkSync('../ica-vm-booted.service', join(systemd, 'multi-user.target.wants/ica-vm-booted.service'));
  mkdirSync(join(tree, 'usr/lib/ica-vm'));
  writeFileSync(join(tree, 'usr/lib/ica-vm/report-boot'), REPORT_BOOT_SCRIPT, { mode: 0o755 });
  writeFileSync(join(tree, 'usr/lib/tmpfiles.d/ica-vm-var.conf'), VAR_TMPFILES);
}
