/**
 * Static registry of the built-in hardware managers (IPA loads them through
 * entry points; we list them). Adding one is a folder and one line here.
 */
import type { AgentConfig } from '../../common/agent-config/types.js';
import type { Runner } from '../../common/exec/runner.js';
import type { BootStateStore } from '../../common/state/boot-state-store.js';
import type { Logger } from '../logger.js';
import type { Clock } from '../../common/clock.js';
import type { Fs } from '../../common/fs/fs.js';
import { createCoreOSManager } from './coreos/index.js';
import { createGenericManager } from './generic/index.js';
import type { DiskReader } from './generic/erase/on-disk-tables.js';
import { createSafetyCheck } from './generic/erase/protected.js';
import type { SafetyCheck } from './generic/erase/deps.js';
import type { HardwareManager, ManagerDispatch } from './types.js';

/** What the built-in managers are built from. */
export interface ManagerInputs {
  config: AgentConfig;
  runner: Runner;
  logger: Logger;
  /** Sysfs, procfs and /dev for the generic manager; the host root for CoreOS. */
  fs: Fs;
  /** Waits and timestamps of the erase and install steps. */
  clock: Clock;
  /** Reads a disk's own partition tables for the shared-storage guard. */
  disk: DiskReader;
  /** This boot's state documents (the CoreOS manager keeps its install stamp there). */
  stateStore: BootStateStore;
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
  return [generic, coreosManager(inputs, guard)];
}

/**
 * The CoreOS manager installs to the disk and for the boot mode that all
 * managers decide together (a vendor manager may know better than the generic
 * one), so it asks the dispatch it is given at initialize().
 */
function coreosManager(inputs: ManagerInputs, guard: SafetyCheck): HardwareManager {
  let hardware: ManagerDispatch | null = null;
  const dispatch = (): ManagerDispatch => {
    if (hardware === null) throw new Error('the hardware managers have not been initialized yet');
    return hardware;
  };
  const manager = createCoreOSManager({
    runner: inputs.runner,
    fs: inputs.fs,
    clock: inputs.clock,
    guard,
    logger: inputs.logger.child({ module: 'coreos' }),
    config: inputs.config,
    stateStore: inputs.stateStore,
    resolveRootDevice: (node) => dispatch().dispatch('getOsInstallDevice', node),
    bootMode: async () => (await dispatch().dispatch('getBootInfo')).current_boot_mode,
  });
  return {
    ...manager,
    initialize: async (context) => {
      hardware = context.hardware;
    },
  };
}
