/**
 * qemu's argv for a firmware-booting VM (pure). Every channel to the host is a
 * unix socket in the VM's own directory that qemu connects to as a client, so
 * the host's listeners exist before qemu starts and nothing is polled:
 * QMP, the serial console, and the completion port (a virtio-serial port named
 * like coreos-assembler kola's `testisocompletion`, mantle/platform/qemu.go).
 */
import { join } from 'node:path';
import type { Ovmf } from './firmware.js';
import { QEMU } from './run.js';

/** The virtio-serial port name the guest writes its verdict to (/dev/virtio-ports/<name>). */
export const COMPLETION_PORT = 'testisocompletion';

/** One virtio disk. */
export interface MachineDisk {
  /** Image file on the host. */
  file: string;
  /** virtio-blk serial, visible in the guest as /sys/block/vdX/serial. */
  serial: string;
  /** Image format. Default raw. */
  format?: 'raw' | 'qcow2';
  /** Firmware boot priority (lower first); unset leaves the order to the firmware. */
  bootIndex?: number;
}

/** A NIC on a tap device that the caller created inside a network namespace it owns. */
export interface MachineNic {
  /** The namespace qemu runs in (it must exist; qemu opens the tap there). */
  namespace: string;
  /** The tap device in that namespace. */
  tap: string;
  /** The guest NIC's MAC address. */
  mac: string;
}

/** A file the guest reads through qemu's fw_cfg (Ignition's qemu platform reads `opt/com.coreos/config`). */
export interface FwCfgFile {
  /** fw_cfg name, `opt/...`. */
  name: string;
  /** Host file. */
  file: string;
}

/** How qemu executes guest code. */
export type Accel = 'tcg' | 'kvm';

/** Everything {@link machineArgv} needs. */
export interface MachineSpec {
  ovmf: Ovmf;
  /** The per-VM copy of the variable store. */
  vars: string;
  /** Where this qemu process's sockets live (a directory per process: machine.ts starts one per reset). */
  dir: string;
  accel: Accel;
  disks: readonly MachineDisk[];
  nic?: MachineNic | undefined;
  fwCfg?: readonly FwCfgFile[] | undefined;
  /** Guest memory in MiB. */
  memoryMiB: number;
  /** Virtual CPUs. */
  cpus: number;
  /** The start of the command line, up to qemu's options (qemu-binary.ts). Default: `qemu-system-x86_64`. */
  qemu?: readonly string[] | undefined;
}

/** Socket paths inside a qemu process's socket directory. */
export function socketPaths(dir: string): { qmp: string; serial: string; completion: string } {
  return { qmp: join(dir, 'qmp.sock'), serial: join(dir, 'serial.sock'), completion: join(dir, 'completion.sock') };
}

/** The accelerator: TCG unless KVM is asked for (`ICA_VM_KVM=1`) and /dev/kvm exists. */
export function chooseAccel(env: NodeJS.ProcessEnv, kvmExists: boolean): Accel {
  return env['ICA_VM_KVM'] === '1' && kvmExists ? 'kvm' : 'tcg';
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$/;
const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;
const SERIAL = /^[A-Za-z0-9_.-]{1,20}$/;

/**
 * Checks the names that go into qemu's comma-separated options, so that no
 * value can inject another option.
 * @throws Error naming the bad value.
 */
export function validateSpec(s: MachineSpec): void {
  for (const d of s.disks) {
    if (!SERIAL.test(d.serial))
      throw new Error(`VM disk serial ${JSON.stringify(d.serial)} must be 1-20 of [A-Za-z0-9_.-]`);
    if (d.file.includes(','))
      throw new Error(`VM disk file ${d.file} contains a comma, which qemu's -drive cannot take`);
  }
  for (const f of s.fwCfg ?? []) {
    if (!/^opt\/[A-Za-z0-9_./-]{1,50}$/.test(f.name))
      throw new Error(`fw_cfg name ${JSON.stringify(f.name)} must be opt/ followed by [A-Za-z0-9_./-]`);
    if (f.file.includes(','))
      throw new Error(`fw_cfg file ${f.file} contains a comma, which qemu's -fw_cfg cannot take`);
  }
  if (s.nic === undefined) return;
  if (!NAME.test(s.nic.namespace))
    throw new Error(`VM namespace ${JSON.stringify(s.nic.namespace)} is not a valid name`);
  if (!NAME.test(s.nic.tap)) throw new Error(`VM tap ${JSON.stringify(s.nic.tap)} is not a valid interface name`);
  if (!MAC.test(s.nic.mac)) throw new Error(`VM MAC ${JSON.stringify(s.nic.mac)} must be six lower-case hex pairs`);
}

/** The argv, with `ip netns exec <ns>` in front when the VM has a NIC. */
export function machineArgv(s: MachineSpec): string[] {
  validateSpec(s);
  const sock = socketPaths(s.dir);
  const argv = [
    ...(s.nic === undefined ? [] : ['ip', 'netns', 'exec', s.nic.namespace]),
    ...(s.qemu ?? [QEMU]),
    ...['-machine', 'q35', '-accel', s.accel, '-smp', String(s.cpus), '-m', String(s.memoryMiB)],
    ...['-nodefaults', '-display', 'none', '-no-user-config'],
    // a reset ends the process; the Machine starts the next one (a cold start, see machine.ts)
    '-no-reboot',
    ...['-drive', `if=pflash,format=raw,unit=0,readonly=on,file=${s.ovmf.code}`],
    ...['-drive', `if=pflash,format=raw,unit=1,file=${s.vars}`],
    ...['-chardev', `socket,id=qmp,path=${sock.qmp}`, '-mon', 'chardev=qmp,mode=control'],
    ...['-chardev', `socket,id=serial0,path=${sock.serial}`, '-serial', 'chardev:serial0'],
    ...['-device', 'virtio-serial-pci,id=vser0'],
    ...['-chardev', `socket,id=completion,path=${sock.completion}`],
    ...['-device', `virtserialport,bus=vser0.0,chardev=completion,name=${COMPLETION_PORT}`],
  ];
  s.disks.forEach((d, i) =>
    argv.push(
      '-drive',
      `file=${d.file},if=none,id=disk${i},format=${d.format ?? 'raw'}`,
      '-device',
      `virtio-blk-pci,drive=disk${i},serial=${d.serial}${d.bootIndex === undefined ? '' : `,bootindex=${d.bootIndex}`}`,
    ),
  );
  for (const f of s.fwCfg ?? []) argv.push('-fw_cfg', `name=${f.name},file=${f.file}`);
  if (s.nic === undefined) argv.push('-nic', 'none');
  else
    argv.push(
      '-netdev',
      `tap,id=net0,ifname=${s.nic.tap},script=no,downscript=no`,
      '-device',
      `virtio-net-pci,netdev=net0,mac=${s.nic.mac},romfile=`,
    );
  return argv;
}
