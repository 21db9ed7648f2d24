/** The options of a {@link Machine} (machine.ts). */
import type { Ovmf } from './firmware.js';
import type { QemuCommand } from './qemu-binary.js';
import type { Accel, FwCfgFile, MachineDisk, MachineNic } from './machine-argv.js';

/** What to boot. */
export interface MachineOptions {
  /** qemu is killed (SIGKILL) this long after it started. Required: a VM must never outlive its test. */
  hardTimeoutMs: number;
  disks?: readonly MachineDisk[];
  nic?: MachineNic;
  /** Files for the guest's fw_cfg, e.g. an Ignition config at `opt/com.coreos/config`. */
  fwCfg?: readonly FwCfgFile[];
  /** Guest memory in MiB. Default 1024. */
  memoryMiB?: number;
  /** Virtual CPUs. Default 2. */
  cpus?: number;
  /** Default: TCG, or KVM when ICA_VM_KVM=1 and /dev/kvm exists (guests fail under KVM on some hosts). */
  accel?: Accel;
  /** Default: forky's from the test bed's root when it is built, else the machine's ({@link findQemu}). */
  qemu?: QemuCommand;
  /** Default: Debian's, from {@link findOvmf}. */
  ovmf?: Ovmf;
  /** Keep the VM's directory (console log, variable store) after close. Default false. */
  keepDir?: boolean;
  /**
   * How many guest kernel oopses (`Kernel panic - not syncing: Fatal exception`, which qemu's multi-threaded
   * TCG can cause) are answered with a hard reset, as a watchdog would; one more, or any other panic, stops
   * the VM at once. Default 3. See kernel-panic.ts.
   */
  oopsResets?: number;
  /**
   * How many firmware stalls (nothing on the console within `stallMs` of OVMF handing over to the boot
   * loader) are answered with a hard reset. Default 3, after 120 s. See firmware-stall.ts.
   */
  stallResets?: number;
  stallMs?: number;
  /** Where a reset after an oops or a stall is told. Default: a line on stderr. */
  note?: (message: string) => void;
}
