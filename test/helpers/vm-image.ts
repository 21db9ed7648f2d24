/** What the tests booting the CoreOS-like image share: why they must skip, and the boot report's shape. */
import { execFileSync } from 'node:child_process';
import { imageUnavailableReason } from '../../testbed/vm/coreos-image.js';
import { findOvmf } from '../../testbed/vm/firmware.js';
import { BOOTED_MARKER } from '../../testbed/vm/image-tree.js';
import { QEMU } from '../../testbed/vm/run.js';

/** The report line of a boot into the image's ostree deployment (`ignition.firstboot` captured). */
export const BOOTED = new RegExp(
  `^${BOOTED_MARKER} ostree=/ostree/boot\\.1/fedora-coreos/[0-9a-f]{64}/0 ostree-booted=yes ignition\\.firstboot=(yes|no)$`,
);

/** Why the image cannot be booted here (qemu, OVMF, or building the image), or undefined. */
export async function vmImageSkipReason(): Promise<string | undefined> {
  try {
    execFileSync('sh', ['-c', `command -v ${QEMU}`], { stdio: 'ignore' });
  } catch {
    return `${QEMU} is not installed (apt-get install qemu-system-x86)`;
  }
  const ovmf = findOvmf();
  if ('missing' in ovmf) return ovmf.missing;
  return imageUnavailableReason();
}
