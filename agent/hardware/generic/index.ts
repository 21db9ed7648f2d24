/**
 * GenericHardwareManager: block devices through the allowlist, the install
 * device (root device hints, else IPA's guess), the inventory, the disk
 * cleaning steps and the CPU and memory burn-in steps (clean and service).
 * Port of IPA hardware.GenericHardwareManager, split by concern.
 */
import type { AgentConfig } from '../../../common/agent-config/types.js';
import type { Runner } from '../../../common/exec/runner.js';
import type { Logger } from '../../logger.js';
import type { Clock } from '../../../common/clock.js';
import type { FsReader } from '../../../common/fs/fs-reader.js';
import { SupportLevel, type BlockDevice, type HardwareManager, type Node } from '../types.js';
import { BlockDeviceLister } from './block-devices.js';
import { ensureDeviceNodes } from './device-nodes.js';
import type { SafetyCheck } from './erase/deps.js';
import { createBurninSteps } from './burnin.js';
import { createEraseSteps } from './erase/steps.js';
import { excludeDisks, logExclusions } from './install-candidates.js';
import { selectInstallDevice } from './install-device.js';
import { readInstallInputs } from './install-inputs.js';
import { readMountedDisks } from './mounted.js';
import { InventoryCollector } from './inventory.js';

/** IPA's name and version for this manager (Ironic caches them). */
export const GENERIC_MANAGER_NAME = 'generic_hardware_manager';
export const GENERIC_MANAGER_VERSION = '1.2';

/** Dependencies of the generic manager. */
export interface GenericManagerDeps {
  runner: Runner;
  fs: FsReader;
  /** Waits of the erase steps' busy-device polling, and the inventory's duration. */
  clock: Clock;
  logger: Logger;
  /** The shared-storage guard every erase step runs before writing (erase/protected.ts). */
  guard: SafetyCheck;
  config: Pick<AgentConfig, 'deviceAllowlist' | 'bootif' | 'strictRootDeviceHints' | 'networkInterface'>;
}

/** Build the generic manager. */
export function createGenericManager(deps: GenericManagerDeps): HardwareManager {
  const logger = deps.logger.child({ module: 'generic' });
  const lister = new BlockDeviceLister({
    runner: deps.runner,
    fs: deps.fs,
    logger,
    allowlist: deps.config.deviceAllowlist,
  });
  const inventory = new InventoryCollector({
    runner: deps.runner,
    fs: deps.fs,
    clock: deps.clock,
    logger,
    config: deps.config,
    blockDevices: lister,
  });
  /** Disks (with partitions) a cleaning step may touch: allowlisted, neither skipped nor mounted, nodes present. */
  const erasableDisks = async (node: Node): Promise<BlockDevice[]> => {
    const all = await lister.list({ includePartitions: true });
    const { candidates: disks, excluded } = excludeDisks(
      all.filter((d) => d.type !== 'part'),
      node,
      await readMountedDisks({ fs: deps.fs }),
    );
    logExclusions(excluded, logger);
    await ensureDeviceNodes(disks, { runner: deps.runner, fs: deps.fs, logger });
    return disks;
  };
  return {
    name: GENERIC_MANAGER_NAME,
    className: 'GenericHardwareManager',
    version: GENERIC_MANAGER_VERSION,
    evaluateSupport: async () => SupportLevel.GENERIC,
    steps: [
      ...createEraseSteps({
        runner: deps.runner,
        logger,
        fs: deps.fs,
        clock: deps.clock,
        guard: deps.guard,
        listDevices: erasableDisks,
      }),
      ...createBurninSteps({ runner: deps.runner, logger: logger.child({ module: 'burnin' }) }),
    ],
    methods: {
      listBlockDevices: (options) => lister.list(options),
      getOsInstallDevice: async (node) => {
        const { devices, mounted } = await readInstallInputs({ lister, fs: deps.fs });
        const choice = selectInstallDevice({
          devices,
          mounted,
          node: node ?? null,
          strict: deps.config.strictRootDeviceHints,
          logger,
        });
        logger.info('Install device chosen', {
          device: choice.device.name,
          method: choice.method,
          reason: choice.reason,
        });
        await ensureDeviceNodes([choice.device], { runner: deps.runner, fs: deps.fs, logger });
        return choice.device;
      },
      listHardwareInfo: () => inventory.collect(),
      listMacAddresses: () => inventory.macAddresses(),
      getBootInfo: () => inventory.bootInfo(),
      fullSync: async () => {
        await deps.runner.run(['sync']);
      },
    },
  };
}
