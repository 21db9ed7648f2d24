/**
 * The guest kernel: a Debian `linux-image-*` package installed on this host
 * (`/boot/vmlinuz-<version>` plus `/lib/modules/<version>`). Only kernels that
 * ship the modules the VM needs (9p, virtio, overlay, md) qualify; Debian's
 * cloud kernel has no 9p, so `linux-image-amd64` is the one to install.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveModules } from './modules.js';

/** A usable guest kernel. */
export interface GuestKernel {
  version: string;
  /** `/boot/vmlinuz-<version>`. */
  image: string;
  /** `/lib/modules/<version>`. */
  modulesDir: string;
  /** Module files (relative to modulesDir) to insmod in order. */
  modules: string[];
}

/** What the initramfs loads: virtio disks and 9p, overlay for the writable root, md with RAID1. */
export const VM_MODULES = ['virtio_pci', 'virtio_blk', '9pnet_virtio', '9p', 'overlay', 'md_mod', 'raid1'] as const;

/** Compare Debian kernel versions like `6.1.0-57-amd64` numerically. */
function compareVersions(a: string, b: string): number {
  const pa = a.split(/[^0-9]+/).map(Number);
  const pb = b.split(/[^0-9]+/).map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i += 1) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * The newest kernel under `boot` with all {@link VM_MODULES}, or a reason why there is none.
 * @param boot - default /boot
 * @param modulesRoot - default /lib/modules
 */
export function findGuestKernel(boot = '/boot', modulesRoot = '/lib/modules'): GuestKernel | { missing: string } {
  const versions = existsSync(boot)
    ? readdirSync(boot)
        .filter((f) => f.startsWith('vmlinuz-'))
        .map((f) => f.slice('vmlinuz-'.length))
    : [];
  const problems: string[] = [];
  for (const version of versions.sort(compareVersions).reverse()) {
    const modulesDir = join(modulesRoot, version);
    const depFile = join(modulesDir, 'modules.dep');
    if (!existsSync(depFile)) {
      problems.push(`${version}: no ${depFile}`);
      continue;
    }
    try {
      const modules = resolveModules(readFileSync(depFile, 'utf8'), VM_MODULES);
      return { version, image: join(boot, `vmlinuz-${version}`), modulesDir, modules };
    } catch (error) {
      problems.push(`${version}: ${(error as Error).message}`);
    }
  }
  const tried = problems.length > 0 ? ` (${problems.join('; ')})` : '';
  return {
    missing: `no kernel in ${boot} with ${VM_MODULES.join(', ')} as modules${tried}; apt-get install linux-image-amd64 (INITRD=No)`,
  };
}
