/**
 * The inspection collector plugin model: IPA's
 * `ironic_python_agent.inspector.collectors` entry points
 * (openstack/ironic-python-agent pyproject.toml) as typed modules.
 *
 * A collector adds keys to the inspection body. It reads the machine only
 * through the context (Runner, FsReader, paths), and a missing tool is logged
 * and skipped inside the collector: only `default` can make inspection fail.
 */
import type { Runner } from '../../../common/exec/runner.js';
import type { Logger } from '../../logger.js';
import type { FsReader } from '../../../common/fs/fs-reader.js';
import type { LshwNode } from './lshw.js';
import type { Inventory } from '../../hardware/inventory.js';

/** The inspection body being built (IPA's `data` dict). */
export type InspectionData = Record<string, unknown>;

/** A hardware manager as reported in `configuration.managers`. */
export interface ManagerVersion {
  name: string;
  version: string;
}

/** What the agent provides to the `default` and `logs` collectors. */
export interface InspectionSources {
  /** Wait for DHCP on the PXE NIC (or all NICs) before collecting. Default: no wait. */
  waitForDhcp?: () => Promise<void>;
  /** The hardware inventory (IPA `list_hardware_info`). */
  inventory: () => Promise<Inventory>;
  /** The disk `guess_root_disk` picks from the inventory; null (or a throw) when there is none. */
  rootDisk: (inventory: Inventory) => unknown;
  /** The loaded hardware managers. */
  managers: () => readonly ManagerVersion[];
  /** System logs as base64 of a tar.gz (journal capped at 10000 lines). */
  logs: () => Promise<string>;
}

/** Where the machine's pseudo filesystems and files are (tests point them at fixture trees). */
export interface CollectorPaths {
  /** Default `/sys`. */
  sys: string;
  /** Default `/dev`. */
  dev: string;
  /** The kernel command line the agent reads (`cmdline_path`, default `/proc/cmdline`). */
  cmdline: string;
  /** The host root (`root_mount`, default `/mnt/coreos`), for the host's os-release. */
  hostRoot: string;
}

/** Everything a collector may use during one inspection. Built per inspection by createCollectorContext. */
export interface CollectorContext {
  runner: Runner;
  fs: FsReader;
  logger: Logger;
  paths: CollectorPaths;
  sources: InspectionSources;
  /** The collector names as configured (reported in `configuration.collectors`). */
  collectorNames: readonly string[];
  /** The inventory, collected at most once per inspection. */
  inventory(): Promise<Inventory>;
  /** `lshw -quiet -json` run at most once per inspection; null when lshw is missing or fails. */
  lshw(): Promise<LshwNode | null>;
  /** `uname -r` of the running kernel. */
  kernelRelease(): string;
  /** `uname -m`. */
  machine(): string;
}

/** One collector. Modules under this folder export one, registered in index.ts. */
export interface InspectionCollector {
  /** The name used in `inspection_collectors` (IPA's entry point name). */
  readonly name: string;
  /**
   * Add this collector's keys to `data`. Missing tools and unreadable files
   * are logged and leave their keys out; a throw is reported by the caller.
   */
  collect(data: InspectionData, context: CollectorContext): Promise<void>;
}
