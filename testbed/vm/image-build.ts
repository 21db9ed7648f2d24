/**
 * Assembles the CoreOS-like disk image from a built Debian forky root, without
 * mounting anything (the host kernel has no vfat and no partition tables):
 * an ostree sysroot in a directory (`admin init-fs`, `os-init`, `commit`,
 * `deploy` with FCOS-like kargs, as testbed/ostree-sysroot.ts) made by the
 * root's own ostree (the guest's version, run in the root by testbed/in-root.sh),
 * its /boot split off into the `boot` filesystem (`mkfs.ext4 -d`), the rest
 * into `root`, GRUB for EFI made with the root's `grub-mkstandalone` from the
 * root's GRUB (forky's 2.14, whose `blsuki` module is upstream GRUB's `blscfg`)
 * and copied into a FAT ESP with mtools, then the three written at the
 * offsets of a GPT made with sgdisk.
 */
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Runner } from '../../common/exec/runner.js';
import { inRootArgv } from '../ironic-roots.js';
import { BOOT_UUID, FCOS_REF, FCOS_STATEROOT, kargArguments, ROOT_UUID } from '../ostree-sysroot.js';
import { ddArgv, diskLayout, sgdiskArgv, type DiskLayout } from './disk-layout.js';
import { bootGrubConfig, espGrubConfig } from './grub-config.js';
import { writeImageTree } from './image-tree.js';

/**
 * The image's kernel arguments, FCOS's (testbed/ostree-sysroot.ts FCOS_KARGS)
 * with the platform `qemu` and without `rootflags=prjquota` (FCOS's root is
 * xfs; this one is ext4 without the project quota feature) and `mitigations`.
 */
export const IMAGE_KARGS: readonly string[] = [
  'ignition.platform.id=qemu',
  '$ignition_firstboot',
  `root=UUID=${ROOT_UUID}`,
  'rw',
  `boot=UUID=${BOOT_UUID}`,
  'console=ttyS0,115200n8',
];

/** Fixed sizes (MiB) of the ESP and boot partitions. */
export const ESP_MIB = 64;
export const BOOT_MIB = 384;

/** What a build produced, besides the image. */
export interface ImageBuildReport {
  layout: DiskLayout;
  /** Seconds per step. */
  seconds: Record<string, number>;
}

/** The root's GRUB EFI modules (grub-efi-amd64-bin), which grub-mkstandalone reads by default. */
export const GRUB_EFI_MODULES_DIR = 'usr/lib/grub/x86_64-efi';

/**
 * Builds `<work>/disk.img` from `root`, then renames it to `out`.
 * `work` must be an empty directory under /var/tmp (shared with the root by in-root.sh).
 * @throws Error when the root's GRUB has no `blsuki` module (GRUB < 2.14), before anything is built.
 */
export async function buildImage(root: string, work: string, out: string, runner: Runner): Promise<ImageBuildReport> {
  const blsuki = join(root, GRUB_EFI_MODULES_DIR, 'blsuki.mod');
  if (!existsSync(blsuki))
    throw new Error(
      `${blsuki} is missing: the image's GRUB needs blscfg (GRUB >= 2.14, Debian forky's grub-efi-amd64-bin); rebuild the root from forky`,
    );
  // the guest's own ostree makes the sysroot (work is under /var/tmp, which in-root.sh shares)
  const ostree = (...args: string[]): string[] => inRootArgv(root, [work], ['ostree', ...args]);
  const seconds: Record<string, number> = {};
  const step = async (name: string, fn: () => Promise<void>): Promise<void> => {
    const started = Date.now();
    await fn();
    seconds[name] = Math.round((Date.now() - started) / 100) / 10;
  };
  const sysroot = join(work, 'sysroot');
  const bootDir = join(work, 'boot');
  await step('tree', () => writeImageTree(root, join(work, 'tree'), runner));
  await step('ostree', async () => {
    mkdirSync(sysroot);
    await runner.run(ostree('admin', 'init-fs', sysroot));
    await runner.run(ostree('admin', 'os-init', `--sysroot=${sysroot}`, FCOS_STATEROOT));
    const repo = `--repo=${join(sysroot, 'ostree/repo')}`;
    const commit = ostree(repo, 'commit', '-b', FCOS_REF, `--tree=dir=${join(work, 'tree')}`, '--subject=ica-vm');
    await runner.run(commit, { timeoutMs: 20 * 60_000 });
    const deploy = ostree('admin', 'deploy', `--sysroot=${sysroot}`, `--os=${FCOS_STATEROOT}`);
    await runner.run([...deploy, ...kargArguments(IMAGE_KARGS), FCOS_REF], { timeoutMs: 20 * 60_000 });
    renameSync(join(sysroot, 'boot'), bootDir);
    mkdirSync(join(sysroot, 'boot'));
    // FCOS images ship an empty /boot/ignition.firstboot: coreos-installer only appends to it
    // (coreos/coreos-installer src/install.rs write_firstboot_kargs fails when it is missing).
    writeFileSync(join(bootDir, 'ignition.firstboot'), '');
  });
  await step('grub', async () => {
    // FCOS sets this too: ostree writes only the BLS entries, which blscfg reads at boot
    await runner.run(ostree('config', `--repo=${join(sysroot, 'ostree/repo')}`, 'set', 'sysroot.bootloader', 'none'));
    mkdirSync(join(bootDir, 'grub2'));
    writeFileSync(join(bootDir, 'grub2/grub.cfg'), bootGrubConfig());
    writeFileSync(join(work, 'esp-grub.cfg'), espGrubConfig(BOOT_UUID));
    const efi = join(work, 'BOOTX64.EFI');
    const mkimage = [
      'grub-mkstandalone',
      '-O',
      'x86_64-efi',
      '-o',
      efi,
      `boot/grub/grub.cfg=${join(work, 'esp-grub.cfg')}`,
    ];
    await runner.run(inRootArgv(root, [work], mkimage), { timeoutMs: 10 * 60_000 });
  });
  const rootMiB = Math.ceil(((await duBytes(sysroot, runner)) * 1.25) / 2 ** 20) + 256;
  const layout = diskLayout({ espMiB: ESP_MIB, bootMiB: BOOT_MIB, rootMiB });
  const [esp, boot, rootPart] = layout.partitions;
  await step('filesystems', async () => {
    const espImg = join(work, 'esp.img');
    await runner.run(['mkfs.vfat', '-C', '-n', 'EFI-SYSTEM', espImg, String((esp.size / 1024) | 0)]);
    await runner.run(['mmd', '-i', espImg, '::/EFI', '::/EFI/BOOT']);
    await runner.run(['mcopy', '-i', espImg, join(work, 'BOOTX64.EFI'), '::/EFI/BOOT/BOOTX64.EFI']);
    const ext4 = (label: string, uuid: string, dir: string, img: string, bytes: number): string[] => [
      'mkfs.ext4',
      '-q',
      '-F',
      '-L',
      label,
      '-U',
      uuid,
      '-d',
      dir,
      img,
      `${bytes / 1024}k`,
    ];
    await runner.run(ext4('boot', BOOT_UUID, bootDir, join(work, 'boot.img'), boot.size), { timeoutMs: 10 * 60_000 });
    await runner.run(ext4('root', ROOT_UUID, sysroot, join(work, 'root.img'), rootPart.size), {
      timeoutMs: 20 * 60_000,
    });
  });
  await step('disk', async () => {
    const disk = join(work, 'disk.img');
    await runner.run(['truncate', '-s', String(layout.size), disk]);
    await runner.run(sgdiskArgv(layout, disk));
    await runner.run(ddArgv(join(work, 'esp.img'), disk, esp));
    await runner.run(ddArgv(join(work, 'boot.img'), disk, boot), { timeoutMs: 10 * 60_000 });
    await runner.run(ddArgv(join(work, 'root.img'), disk, rootPart), { timeoutMs: 20 * 60_000 });
    renameSync(disk, out);
  });
  return { layout, seconds };
}

async function duBytes(dir: string, runner: Runner): Promise<number> {
  const { stdout } = await runner.run(['du', '-sb', dir]);
  return Number(stdout.split(/\s/)[0]);
}
