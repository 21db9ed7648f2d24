/**
 * Boot a throw-away qemu VM that runs one shell script and powers off.
 *
 * The guest runs the HOST's own userland: `/` is shared read-only over
 * virtio-9p and used as the guest's root under a tmpfs overlay, so node,
 * mdadm and this worktree's dist/ are the host's, and no image is built.
 * qemu uses TCG only: /dev/kvm may exist here, but real guests fail under it
 * (see {@link kvmPresent}). The script's output and exit code come back through
 * a writable 9p share (a temp dir); the serial console goes to a log file.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GUEST_SHARE, HOSTROOT_TAG, SHARE_TAG } from './initramfs.js';
import { panicKind, panicReason } from './kernel-panic.js';

/** The qemu binary. */
export const QEMU = 'qemu-system-x86_64';

/** One virtio disk. */
export interface VmDisk {
  /** Raw image file on the host. */
  file: string;
  /** virtio-blk serial, visible in the guest as /sys/block/vdX/serial. */
  serial: string;
}

/** What to boot and run. */
export interface VmOptions {
  kernel: string;
  initramfs: string;
  disks: readonly VmDisk[];
  /** The guest script (run by /bin/sh with the share as cwd; stdout/stderr go to `script.log` in the share). */
  script: string;
  /** Kill qemu after this long. Default 300 000 ms. */
  timeoutMs?: number;
  /** Guest memory in MiB. Default 1024. */
  memoryMiB?: number;
  /** Share dir; default a fresh temp dir. */
  shareDir?: string;
}

/** What came back. */
export interface VmResult {
  /** The script's exit code, null when it never reported one (crash or timeout). */
  exitCode: number | null;
  timedOut: boolean;
  wallMs: number;
  /** The writable share (script.log, rc and whatever the script wrote there). */
  shareDir: string;
  /** Path of the serial console log. */
  consoleLog: string;
  /** The script's output. */
  scriptLog: string;
}

/** True when /dev/kvm exists. Reported only: guests here fail under KVM ("emulation failure", hangs), so TCG is always used. */
export function kvmPresent(): boolean {
  return existsSync('/dev/kvm');
}

/** The guest's PID 1 after switch_root: mounts the API filesystems, runs the script, reports, powers off. */
export function stage2Script(): string {
  return [
    'export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C',
    'mount -t proc proc /proc; mount -t sysfs sysfs /sys; mount -t devtmpfs devtmpfs /dev',
    'mkdir -p /dev/pts /dev/shm; mount -t devpts devpts /dev/pts; mount -t tmpfs tmpfs /dev/shm',
    'mount -t tmpfs tmpfs /run; mount -t tmpfs tmpfs /tmp',
    `cd ${GUEST_SHARE}`,
    'echo "ica-vm: running script"',
    `/bin/sh ${GUEST_SHARE}/script.sh > ${GUEST_SHARE}/script.log 2>&1`,
    'rc=$?',
    `echo $rc > ${GUEST_SHARE}/rc`,
    'sync',
    'echo "ICA-VM-RESULT rc=$rc"',
    'echo o > /proc/sysrq-trigger',
    'sleep 5',
    '',
  ].join('\n');
}

/** qemu's argv (q35, TCG, no network, no display, serial to a file, no reboot). */
export function qemuArgv(o: VmOptions, shareDir: string, consoleLog: string): string[] {
  const argv = [
    QEMU,
    '-machine',
    'q35',
    '-accel',
    'tcg',
    '-smp',
    '2',
    '-m',
    String(o.memoryMiB ?? 1024),
    '-nodefaults',
    '-display',
    'none',
    '-no-reboot',
    '-nic',
    'none',
    '-serial',
    `file:${consoleLog}`,
    '-kernel',
    o.kernel,
    '-initrd',
    o.initramfs,
    '-append',
    'console=ttyS0 panic=-1 loglevel=4 rdinit=/init',
    '-virtfs',
    `local,path=/,mount_tag=${HOSTROOT_TAG},security_model=none,readonly=on,multidevs=remap`,
    '-virtfs',
    `local,path=${shareDir},mount_tag=${SHARE_TAG},security_model=none,multidevs=remap`,
  ];
  // qemu 7.2 takes the serial only on the device, not on -drive.
  o.disks.forEach((d, i) =>
    argv.push(
      '-drive',
      `file=${d.file},if=none,id=disk${i},format=raw`,
      '-device',
      `virtio-blk-pci,drive=disk${i},serial=${d.serial}`,
    ),
  );
  return argv;
}

/**
 * Boot, run `script`, wait for power-off or the timeout (then SIGKILL).
 * Never throws for a guest failure: read `exitCode`, `timedOut` and the logs.
 * A guest kernel oops before the script began (which qemu's multi-threaded
 * TCG can cause, see kernel-panic.ts; `panic=-1` makes qemu exit) boots the
 * VM again, twice at most, saying so on stderr; the oopsed boot's console is
 * kept as `console-<n>.log`.
 */
export async function runVm(o: VmOptions): Promise<VmResult> {
  const shareDir = o.shareDir ?? mkdtempSync(join(tmpdir(), 'ica-vm-'));
  for (let attempt = 1; ; attempt += 1) {
    const result = await runOnce(o, shareDir);
    const console = existsSync(result.consoleLog) ? readFileSync(result.consoleLog, 'utf8') : '';
    const oops = oopsBeforeScript(console, existsSync(join(shareDir, 'script.log')));
    if (oops === undefined || attempt > 2) return result;
    renameSync(result.consoleLog, join(shareDir, `console-${attempt}.log`));
    process.stderr.write(`      VM: the guest kernel panicked ("${oops}") before the script began; booting again\n`);
  }
}

/** The reason of an oops on `console` when the script never began (a boot worth retrying), else undefined. */
export function oopsBeforeScript(console: string, scriptBegan: boolean): string | undefined {
  const reason = panicReason(console);
  return reason !== undefined && !scriptBegan && panicKind(reason) === 'oops' ? reason : undefined;
}

async function runOnce(o: VmOptions, shareDir: string): Promise<VmResult> {
  const consoleLog = join(shareDir, 'console.log');
  writeFileSync(join(shareDir, 'stage2.sh'), stage2Script());
  writeFileSync(join(shareDir, 'script.sh'), o.script);
  const started = Date.now();
  const timeoutMs = o.timeoutMs ?? 300_000;
  const [cmd = QEMU, ...args] = qemuArgv(o, shareDir, consoleLog);
  const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => {
    stderr += b.toString();
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  await new Promise<void>((resolve) => {
    child.on('close', () => resolve());
    child.on('error', (e) => {
      stderr += String(e);
      resolve();
    });
  });
  clearTimeout(timer);
  if (stderr.trim() !== '') writeFileSync(join(shareDir, 'qemu.stderr'), stderr);
  const read = (f: string): string => (existsSync(join(shareDir, f)) ? readFileSync(join(shareDir, f), 'utf8') : '');
  const rc = read('rc').trim();
  return {
    exitCode: /^\d+$/.test(rc) ? Number(rc) : null,
    timedOut,
    wallMs: Date.now() - started,
    shareDir,
    consoleLog,
    scriptLog: read('script.log'),
  };
}
