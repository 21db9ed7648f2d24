/**
 * Assembles the CoreOS-like disk image from a built Debian root, without
 * mounting anything (the host kernel has no vfat and no partition tables):
 * an ostree sysroot in a directory (`admin init-fs`, `os-init`, `commit`,
 * `deploy` with FCOS-like kargs, as testbed/ostree-sysroot.ts), its /boot
 * split off into the `boot` filesystem (`mkfs.ext4 -d`), the rest into `root`,
 * GRUB for EFI made with `grub-mkstandalone` inside the root from forky's
 * GRUB 2.14 modules (`grubDeb`, testbed/vm/forky-grub.ts: `blscfg`) and
 * copied into a FAT ESP with mtools, then the three
 * written at the offsets of a GPT made with sgdisk.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Runner } from '../../common/exec/runner.js';
import { inRootArgv } from '../ironic-roots.js';
import { BOOT_UUID, FCOS_REF, FCOS_STATEROOT, kargArguments, ROOT_UUID } from '../ostree-sysroot.js';
import { ddArgv, diskLayout, sgdiskArgv, type DiskLayout } from './disk-layout.js';
import { GRUB_EFI_MODULES_DIR } from './forky-grub.js';
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

/**
 * Builds `<work>/disk.img` from `root` and forky's grub-efi-amd64-bin .deb, then renames it to `out`.
 * `work` must be an empty directory under /var/tmp (shared with the root by in-root.sh).
 */
export async function buildImage(
  root: string,
  grubDeb: string,
  work: string,
  out: string,
  runner: Runner,
): Promise<ImageBuildReport> {
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
    await runner.run(['ostree', 'admin', 'init-fs', sysroot]);
    await runner.run(['ostree', 'admin', 'os-init', `--sysroot=${sysroot}`, FCOS_STATEROOT]);
    const repo = `--repo=${join(sysroot, 'ostree/repo')}`;
    await runner.run(
      ['ostree', repo, 'commit', '-b', FCOS_REF, `--tree=dir=${join(work, 'tree')}`, '--subject=ica-vm'],
      {
        timeoutMs: 20 * 60_000,
      },
    );
    const deploy = ['ostree', 'admin', 'deploy', `--sysroot=${sysroot}`, `--os=${FCOS_STATEROOT}`];
    await runner.run([...deploy, ...kargArguments(IMAGE_KARGS), FCOS_REF], { timeoutMs: 20 * 60_000 });
    renameSync(join(sysroot, 'boot'), bootDir);
    mkdirSync(join(sysroot, 'boot'));
    // FCOS images ship an empty /boot/ignition.firstboot: coreos-installer only appends to it
    // (coreos/coreos-installer src/install.rs write_firstboot_kargs fails when it is missing).
    writeFileSync(join(bootDir, 'ignition.firstboot'), '');
  });
  await step('grub', async () => {
    // FCOS sets this too: ostree writes only the BLS entries, which blscfg reads at boot
    await runner.run([
      'ostree',
      'config',
      `--repo=${join(sysroot, 'ostree/repo')}`,
      'set',
      'sysroot.bootloader',
      'none',
    ]);
    mkdirSync(join(bootDir, 'grub2'));
    writeFileSync(join(bootDir, 'grub2/grub.cfg'), bootGrubConfig());
    writeFileSync(join(work, 'esp-grub.cfg'), espGrubConfig(BOOT_UUID));
    const grub = join(work, 'grub');
    await runner.run(['dpkg-deb', '-x', grubDeb, grub]);
    const efi = join(work, 'BOOTX64.EFI');
    const mkimage = [
      'grub-mkstandalone',
      '-O',
      'x86_64-efi',
      '-d',
      join(grub, GRUB_EFI_MODULES_DIR),
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
