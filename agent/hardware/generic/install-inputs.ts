/**
 * Gather what the install disk is chosen from: the disks listed through the
 * device allowlist (read-only devices and virtual media left out) and the
 * disks with a mounted filesystem. This is the IO half of choosing the
 * install disk; the choice itself is decideInstallDevice (install-device.ts).
 * The install step (getOsInstallDevice) and the `hints` command both gather
 * through here, so they choose from the same inputs.
 */
import type { FsReader } from '../../../common/fs/fs-reader.js';
import type { BlockDevice } from '../types.js';
import type { BlockDeviceLister, ExcludedDevice } from './block-devices.js';
import { readMountedDisks, type MountedDisks } from './mounted.js';

/** The inputs of decideInstallDevice, read from the machine. */
export interface InstallInputs {
  /** Disks in lsblk order, already limited by the allowlist. */
  devices: BlockDevice[];
  /** Allowlisted devices the lister left out (read-only, virtual media, not a disk), and why. */
  notListed: ExcludedDevice[];
  /** Disks with a mounted filesystem. */
  mounted: MountedDisks;
}

/** Where to read; `sys` and `mountinfo` default to `/sys` and `/proc/self/mountinfo`. */
export interface InstallInputsDeps {
  lister: BlockDeviceLister;
  fs: FsReader;
  sys?: string;
  mountinfo?: string;
}

/** List the disks and read the mounts. */
export async function readInstallInputs(deps: InstallInputsDeps): Promise<InstallInputs> {
  const scan = await deps.lister.scan({ excludeReadOnly: true, excludeVirtualMedia: true });
  const mounted = await readMountedDisks({
    fs: deps.fs,
    ...(deps.sys === undefined ? {} : { sys: deps.sys }),
    ...(deps.mountinfo === undefined ? {} : { mountinfo: deps.mountinfo }),
  });
  return { devices: scan.devices, notListed: scan.excluded, mounted };
}
