/**
 * Collects the hardware inventory (its shape: agent/hardware/inventory.ts),
 * sent with inspection and returned by `poll.get_hardware_info`.
 *
 * Port of IPA GenericHardwareManager.list_hardware_info and the methods it
 * calls. Every source is injected: the Runner (lscpu, lshw, dmidecode, ip,
 * biosdevname, ipmitool), an FsReader over configurable sysfs/procfs/dev
 * roots, the block-device lister, and the hostname/architecture functions.
 */
import { hostname as osHostname, machine } from 'node:os';
import type { AgentConfig } from '../../../common/agent-config/types.js';
import type { Clock } from '../../../common/clock.js';
import type { Runner } from '../../../common/exec/runner.js';
import type { Logger } from '../../logger.js';
import { readTrimmed, type FsReader } from '../../../common/fs/fs-reader.js';
import type { BlockDeviceLister } from './block-devices.js';
import { BmcDetector } from './bmc.js';
import { cpuFromCpuinfo, cpuFromLscpu } from './cpu.js';
import { serializeBlockDevice } from './disk-wire.js';
import { InterfaceCollector } from './interfaces.js';
import { memTotalFromMeminfo, physicalMbFromDmidecode, physicalMbFromLshw, physicalMbFromTotal } from './memory.js';
import { readSystemVendor } from './system-vendor.js';
import type { BootInfo, CpuInventory, Inventory, MemoryInventory } from '../inventory.js';

/** Where the host's pseudo filesystems are. */
export interface InventoryPaths {
  sys: string;
  proc: string;
  dev: string;
}

/** Constructor arguments of {@link InventoryCollector}. */
export interface InventoryCollectorOptions {
  runner: Runner;
  fs: FsReader;
  /** Times the collection for the log. */
  clock: Pick<Clock, 'now'>;
  logger: Logger;
  config: Pick<AgentConfig, 'bootif'> & Partial<Pick<AgentConfig, 'networkInterface'>>;
  /** Lists `disks` (already limited by the device allowlist). */
  blockDevices: Pick<BlockDeviceLister, 'list'>;
  /** Defaults `/sys`, `/proc`, `/dev`. */
  paths?: Partial<InventoryPaths>;
  /** Default `os.hostname`. */
  hostname?: () => string;
  /** `uname -m` for the /proc/cpuinfo fallback. Default `os.machine`. */
  architecture?: () => string;
}

/** Collects the inventory. Holds no cached hardware state. */
export class InventoryCollector {
  private readonly paths: InventoryPaths;
  private readonly interfaces: InterfaceCollector;
  private readonly bmc: BmcDetector;

  constructor(private readonly options: InventoryCollectorOptions) {
    this.paths = { sys: '/sys', proc: '/proc', dev: '/dev', ...options.paths };
    this.interfaces = new InterfaceCollector(
      options.runner,
      options.fs,
      options.logger,
      this.paths.sys,
      options.config.networkInterface === undefined || options.config.networkInterface === null
        ? []
        : [options.config.networkInterface],
    );
    this.bmc = new BmcDetector(options.runner, options.fs, options.logger, this.paths.dev);
  }

  /**
   * Collect everything. `skipBmc` (Ironic's `agent_skip_bmc_detect`) reports
   * both BMC addresses as null without running ipmitool.
   */
  async collect(options: { skipBmc?: boolean } = {}): Promise<Inventory> {
    const started = this.options.clock.now();
    const lshw = await this.lshw();
    const interfaces = await this.interfaces.collect(lshw);
    const cpu = await this.cpu();
    const disks = (await this.options.blockDevices.list()).map(serializeBlockDevice);
    const memory = await this.memory(lshw);
    const bmc = options.skipBmc === true ? { address: null, v6address: null, mac: null } : await this.bmc.detect();
    const inventory: Inventory = {
      interfaces,
      cpu,
      disks,
      memory,
      bmc_address: bmc.address,
      bmc_v6address: bmc.v6address,
      system_vendor: await readSystemVendor(this.options.fs, this.paths.sys),
      boot: await this.bootInfo(),
      hostname: (this.options.hostname ?? osHostname)(),
    };
    if (bmc.mac !== null) inventory.bmc_mac = bmc.mac;
    this.options.logger.info('Inventory collected', { seconds: (this.options.clock.now() - started) / 1000 });
    return inventory;
  }

  /** The MACs of `interfaces`, in the same order, without collecting anything else (what lookup sends). */
  macAddresses(): Promise<string[]> {
    return this.interfaces.macAddresses();
  }

  /** `{current_boot_mode, pxe_interface}` (IPA get_boot_info). */
  async bootInfo(): Promise<BootInfo> {
    const uefi = await this.options.fs.exists(`${this.paths.sys}/firmware/efi`);
    return { current_boot_mode: uefi ? 'uefi' : 'bios', pxe_interface: this.options.config.bootif };
  }

  /** lscpu (C locale), else /proc/cpuinfo alone. */
  async cpu(): Promise<CpuInventory> {
    const cpuinfo = await readTrimmed(this.options.fs, `${this.paths.proc}/cpuinfo`);
    try {
      const { stdout } = await this.options.runner.run(['lscpu'], { env: { LC_ALL: 'C' } });
      return cpuFromLscpu(stdout, cpuinfo);
    } catch (error) {
      this.options.logger.warn('lscpu failed; reading CPU information from /proc/cpuinfo', {
        error: (error as Error).message,
      });
      return cpuFromCpuinfo(cpuinfo ?? '', (this.options.architecture ?? machine)());
    }
  }

  /** MemTotal, and installed RAM from lshw, else dmidecode, else estimated (the source is logged). */
  async memory(lshw: unknown): Promise<MemoryInventory> {
    const meminfo = await readTrimmed(this.options.fs, `${this.paths.proc}/meminfo`);
    const total = meminfo === null ? null : memTotalFromMeminfo(meminfo);
    let physical = lshw === null ? null : physicalMbFromLshw(lshw);
    let source = 'lshw';
    if (physical === null) {
      physical = await this.dmidecodeMemory();
      source = 'dmidecode';
    }
    if (physical === null && total !== null) {
      physical = physicalMbFromTotal(total);
      source = 'MemTotal rounded up to whole GiB';
    }
    this.options.logger.debug('Physical memory size', {
      physical_mb: physical,
      source: physical === null ? 'unknown' : source,
    });
    return { total, physical_mb: physical };
  }

  private async dmidecodeMemory(): Promise<number | null> {
    try {
      return physicalMbFromDmidecode((await this.options.runner.run(['dmidecode', '-t', 'memory'])).stdout);
    } catch (error) {
      this.options.logger.debug('dmidecode gave no memory information', { error: (error as Error).message });
      return null;
    }
  }

  /** `lshw -quiet -json`, or null when lshw is missing or fails. */
  private async lshw(): Promise<unknown> {
    try {
      return JSON.parse(
        (await this.options.runner.run(['lshw', '-quiet', '-json'], { timeoutMs: 300_000 })).stdout,
      ) as unknown;
    } catch (error) {
      this.options.logger.debug('lshw gave no hardware information', { error: (error as Error).message });
      return null;
    }
  }
}
