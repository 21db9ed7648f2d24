/**
 * Hardware-manager plugin model and the wire types it works on.
 *
 * Wire types (Node, Port, StepDefinition, BlockDevice, Inventory) keep IPA's
 * and Ironic's snake_case field names verbatim; everything else is camelCase.
 * The inventory's shape is in inventory.ts.
 */
import type { BootInfo, Inventory, SerializedBlockDevice } from './inventory.js';

export type { BootInfo, Inventory, SerializedBlockDevice } from './inventory.js';

/** Support levels; port of IPA hardware.HardwareSupport. Third parties may return more than 3. */
export const SupportLevel = {
  NONE: 0,
  GENERIC: 1,
  MAINLINE: 2,
  SERVICE_PROVIDER: 3,
} as const;
/** A support level value. */
export type SupportLevelValue = number;

/** The three kinds of steps Ironic drives through the agent. */
export type StepKind = 'clean' | 'deploy' | 'service';

/** Ironic's node as sent to the agent (`node.as_dict(secure=True)`); only the fields we read are typed. */
export interface Node {
  uuid: string;
  name?: string | null;
  properties?: Record<string, unknown>;
  instance_info?: Record<string, unknown>;
  driver_internal_info?: Record<string, unknown>;
  automated_clean?: boolean | null;
  target_raid_config?: Record<string, unknown>;
  [key: string]: unknown;
}

/** Ironic's port dict. */
export interface Port {
  address: string;
  uuid?: string;
  pxe_enabled?: boolean;
  [key: string]: unknown;
}

/** One entry of a step's `argsinfo`. */
export interface ArgInfo {
  description: string;
  required: boolean;
}

/** A step as advertised by `get_*_steps` (wire shape). */
export interface StepDefinition {
  step: string;
  priority: number;
  interface: string;
  reboot_requested: boolean;
  abortable?: boolean;
  argsinfo?: Record<string, ArgInfo> | null;
}

/** What a step handler receives. */
export interface StepContext {
  /** The node Ironic sent with the step (configdrive unmasked only for execute_deploy_step). */
  node: Node;
  /** The node's ports. */
  ports: Port[];
  /** `step.args` merged into one object. */
  args: Record<string, unknown>;
  /** Which kind of step this is. */
  kind: StepKind;
  /** Report progress of a long step; shown on the running command (see commands/command-result.ts). */
  progress: (progress: Record<string, unknown>) => void;
}

/** A step a manager provides: data, not a decorator. */
export interface StepSpec {
  /** The step name (IPA's method name). */
  step: string;
  /** Ironic interface, normally `deploy`; `raid` for RAID steps. */
  interface: string;
  /** Default priority per kind; a kind that is absent is not offered. 0 = only on request. */
  priority: Partial<Record<StepKind, number>>;
  /** Ironic reboots the node after the step. Default false. */
  rebootRequested?: boolean;
  /** Clean/service steps: may be aborted. Default false; included on the wire only when set. */
  abortable?: boolean;
  /** Declared arguments. Ironic rejects args that are not declared here. */
  argsinfo?: Record<string, ArgInfo>;
  /** Runs the step. The return value becomes `<kind>_result`. */
  run: (context: StepContext) => Promise<unknown>;
}

/** One block device (IPA BlockDevice): the wire fields plus what only the agent uses. */
export interface BlockDevice extends SerializedBlockDevice {
  /** lsblk TYPE (disk, part, raid1, md, mpath, loop, ...). Not serialised. */
  type?: string;
  /** Read-only device (lsblk RO). Not serialised. */
  read_only?: boolean;
  /** Removable device (lsblk RM). Not serialised. */
  removable?: boolean;
  /** Every known serial (lsblk SERIAL, udev ID_SERIAL_SHORT, ID_SERIAL), for hint matching. Not serialised. */
  all_serials?: string[];
  /** Every known WWN, for hint matching. Not serialised. */
  all_wwns?: string[];
  /** Partitions, when listed with includePartitions. Not serialised. */
  partitions?: BlockDevice[];
}

/** Methods a manager may implement; dispatch calls them by key, in support order. */
export interface ManagerMethods {
  /** Disks (optionally with partitions) visible through the device allowlist. */
  listBlockDevices(options?: { includePartitions?: boolean }): Promise<BlockDevice[]>;
  /** The root device for the node: hints, then IPA's guess. Returns the chosen device. */
  getOsInstallDevice(node: Node | undefined): Promise<BlockDevice>;
  /** Full inventory (IPA list_hardware_info). */
  listHardwareInfo(): Promise<Inventory>;
  /** The MAC address of every interface `listHardwareInfo` reports, in its order: what lookup sends. */
  listMacAddresses(): Promise<string[]>;
  /** Add files to the system-log tarball: name → content. */
  collectSystemLogs(files: Map<string, string | Buffer>): Promise<void>;
  /** Flush disks (IPA full_sync). */
  fullSync(): Promise<void>;
  /** `{current_boot_mode, pxe_interface}`. */
  getBootInfo(): Promise<BootInfo>;
}

/** The arguments of manager method `K`. */
export type ManagerMethodArgs<K extends keyof ManagerMethods> = Parameters<ManagerMethods[K]>;
/** What manager method `K` resolves with. */
export type ManagerMethodResult<K extends keyof ManagerMethods> = Awaited<ReturnType<ManagerMethods[K]>>;

/** Dispatch of a method over every active manager, in support order (IPA dispatch_to_managers). */
export interface ManagerDispatch {
  /**
   * Call `method` on the first manager that has it and does not defer.
   * @throws HardwareManagerMethodNotFound when none handles it
   */
  dispatch<K extends keyof ManagerMethods>(method: K, ...args: ManagerMethodArgs<K>): Promise<ManagerMethodResult<K>>;
}

/** What every manager is given once all of them have been probed and sorted. */
export interface ManagerContext {
  /**
   * Dispatch over all active managers, this one included: a manager may need
   * what the managers decide together (the install device, the boot mode), as
   * IPA managers call hardware.dispatch_to_managers.
   */
  hardware: ManagerDispatch;
}

/** A hardware manager. One folder under agent/hardware/, registered in agent/hardware/index.ts. */
export interface HardwareManager {
  /** Wire name, a key of `hardware_manager_version` (e.g. `generic_hardware_manager`). */
  readonly name: string;
  /** Class-like name used as the key in `get_*_steps` results (e.g. `GenericHardwareManager`). */
  readonly className: string;
  /** Manager version, echoed back by Ironic as `*_version`. */
  readonly version: string;
  /** How well this manager supports the machine; 0 drops it. May probe the machine. */
  evaluateSupport(): Promise<SupportLevelValue>;
  /**
   * Called once, after every manager has been probed, in support order, with
   * the dispatch over all of them (which only exists once all are probed).
   */
  initialize?(context: ManagerContext): Promise<void>;
  /** The steps this manager offers. */
  readonly steps: readonly StepSpec[];
  /** Dispatchable methods. Throw IncompatibleHardwareMethodError to defer to the next manager. */
  readonly methods: Partial<ManagerMethods>;
}
