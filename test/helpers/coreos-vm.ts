/**
 * Booting copies of the cached CoreOS-like image (testbed/vm/coreos-image.ts)
 * in tests: why they must skip, a private sparse copy, files written onto its
 * `boot` filesystem the way coreos-installer leaves them (with debugfs at the
 * partition's offset: no mount, no partition table in the host kernel), and a
 * boot that returns the guest's first completion-port line.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExecaRunner } from '../../common/exec/execa-runner.js';
import { ensureCoreosImage, imageUnavailableReason } from '../../testbed/vm/coreos-image.js';
import { diskLayout } from '../../testbed/vm/disk-layout.js';
import { findOvmf } from '../../testbed/vm/firmware.js';
import { BOOT_MIB, ESP_MIB } from '../../testbed/vm/image-build.js';
import { withMachine, type Machine } from '../../testbed/vm/machine.js';
import { findQemu } from '../../testbed/vm/qemu-binary.js';
import { QEMU } from '../../testbed/vm/run.js';

/** Why no firmware-booting VM can run here (qemu or OVMF is missing), or undefined. */
export function machineSkipReason(): string | undefined {
  try {
    execFileSync('sh', ['-c', `command -v ${QEMU}`], { stdio: 'ignore' });
  } catch {
    return `${QEMU} is not installed (apt-get install qemu-system-x86)`;
  }
  const ovmf = findOvmf();
  return 'missing' in ovmf ? ovmf.missing : undefined;
}

/** Says which qemu the suite's VMs run (testbed/vm/qemu-binary.ts), so that a run's times can be read. */
function tellQemu(): void {
  console.log(`      VMs run ${findQemu().label}`);
}

/** Registers, in the calling `describe`, a `before` hook that skips, saying why, when no VM can run here. */
export function skipWithoutMachines(): void {
  before(function () {
    const reason = machineSkipReason();
    if (reason === undefined) return tellQemu();
    console.log(`      skipped: ${reason}`);
    this.skip();
  });
}

/** Why the image cannot be booted here (qemu, OVMF or what the build needs is missing), or undefined. */
export async function coreosVmSkipReason(): Promise<string | undefined> {
  return machineSkipReason() ?? imageUnavailableReason();
}

/** The cached image and a scratch directory, set by {@link useCoreosImage}'s `before` hook. */
export interface CoreosVmContext {
  image: string;
  dir: string;
}

/**
 * Registers, in the calling `describe`, a `before` hook that skips (saying why)
 * or builds the image when needed (minutes the first time) and makes a scratch
 * directory, and an `after` hook removing it.
 */
export function useCoreosImage(prefix: string): CoreosVmContext {
  const ctx: CoreosVmContext = { image: '', dir: '' };
  before(async function () {
    const reason = await coreosVmSkipReason();
    if (reason !== undefined) {
      console.log(`      skipped: ${reason}`);
      this.skip();
    }
    tellQemu();
    ctx.image = await ensureCoreosImage(new ExecaRunner());
    ctx.dir = mkdtempSync(join(tmpdir(), prefix));
  });
  after(() => {
    if (ctx.dir !== '') rmSync(ctx.dir, { recursive: true, force: true });
  });
  return ctx;
}

/** A private sparse copy of `image` at `dir/name`. */
export function diskCopy(image: string, dir: string, name: string): string {
  const disk = join(dir, name);
  execFileSync('cp', ['--sparse=always', image, disk]);
  return disk;
}

/** What coreos-installer leaves on the boot filesystem for the first boot. */
export interface FirstbootFiles {
  /** Written as /ignition/config.ign (0600, in /ignition 0700) when given. */
  config?: string;
}

/**
 * Writes /ignition.firstboot (empty, replacing the one the image ships) and, when
 * given, /ignition/config.ign onto the disk's boot filesystem, with coreos-installer's modes.
 */
export function writeFirstboot(disk: string, scratch: string, files: FirstbootFiles = {}): void {
  const stamp = join(scratch, 'ignition.firstboot');
  writeFileSync(stamp, '');
  const commands = ['rm ignition.firstboot', `write ${stamp} ignition.firstboot`];
  if (files.config !== undefined) {
    const config = join(scratch, 'config.ign');
    writeFileSync(config, files.config, { mode: 0o600 });
    commands.push(
      'mkdir ignition',
      `write ${config} ignition/config.ign`,
      'set_inode_field ignition mode 040700',
      'set_inode_field ignition/config.ign mode 0100600',
    );
  }
  onBootFilesystem(disk, scratch, commands);
}

function onBootFilesystem(disk: string, scratch: string, commands: readonly string[]): void {
  const [, boot] = diskLayout({ espMiB: ESP_MIB, bootMiB: BOOT_MIB, rootMiB: 1 }).partitions;
  const script = join(scratch, 'debugfs.cmds');
  writeFileSync(script, `${commands.join('\n')}\n`);
  execFileSync('debugfs', ['-w', '-f', script, `${disk}?offset=${boot.offset}`], { stdio: 'ignore' });
}

/** Boots `disk` and returns the result of `fn` (default: the first completion-port line); qemu is always stopped. */
export async function bootDisk<T = string>(
  disk: string,
  hardTimeoutMs: number,
  fn: (m: Machine) => Promise<T> = async (m) => (await m.waitForCompletion()) as T,
): Promise<T> {
  return withMachine(
    { hardTimeoutMs, memoryMiB: 2048, disks: [{ file: disk, serial: 'primary', bootIndex: 0 }] },
    async (m) => {
      const result = await fn(m);
      await m.quit();
      return result;
    },
  );
}
