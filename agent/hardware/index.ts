/**
 * Static registry of the built-in hardware managers (IPA loads them through
 * entry points; we list them). Adding one is a folder and one line here.
 */
import type { AgentConfig } from '../../common/agent-config/types.js';
import type { Runner } from '../../common/exec/runner.js';
import type { Logger } from '../logger.js';
import type { Clock } from '../../common/clock.js';
import type { Fs } from '../../common/fs/fs.js';
import { createCoreOSManager } from './coreos/index.js';
import { createGenericManager } from './generic/index.js';
import type { DiskReader } from './generic/erase/on-disk-tables.js';
import { createSafetyCheck } from './generic/erase/protected.js';
import type { HardwareDispatcher } from './dispatch.js';
import type { BlockDevice, HardwareManager, Node } from './types.js';

/** What the built-in managers are built from. */
export interface ManagerInputs {
  config: AgentConfig;
  runner: Runner;
  logger: Logger;
  /** Sysfs, procfs and /dev for the generic manager; the host root and state dir for CoreOS. */
  fs: Fs;
  /** Waits and timestamps of the erase and install steps. */
  clock: Clock;
  /** Reads a disk's own partition tables for the shared-storage guard. */
  disk: DiskReader;
  /** The dispatcher over all managers (built after them, so given lazily). */
  dispatcher: () => HardwareDispatcher;
}

/** The built-in managers: generic and CoreOS. */
export function builtinManagers(inputs: ManagerInputs): HardwareManager[] {
  const { fs, clock } = inputs;
  const guard = createSafetyCheck({
    runner: inputs.runner,
    logger: inputs.logger.child({ module: 'guard' }),
    disk: inputs.disk,
    enabled: inputs.config.guardSpecialFilesystems,
  });
  const generic = createGenericManager({
    runner: inputs.runner,
    fs,
    clock,
    logger: inputs.logger,
    guard,
    config: inputs.config,
  });
  const coreos = createCoreOSManager({
    runner: inputs.runner,
    fs,
    clock,
    guard,
    logger: inputs.logger.child({ module: 'coreos' }),
    config: inputs.config,
    resolveRootDevice: (node: Node): Promise<BlockDevice> => inputs.dispatcher().dispatch('getOsInstallDevice', node),
    bootMode: async () => (await inputs.dispatcher().dispatch('getBootInfo')).current_boot_mode,
  });
  return [generic, coreos];
}
