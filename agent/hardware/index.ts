/**
 * Static registry of the built-in hardware managers (IPA loads them through
 * entry points; we list them). Adding one is a folder and one line here.
 */
import type { AgentConfig } from '../../common/agent-config/types.js';
import type { Runner } from '../../common/exec/runner.js';
import type { BootStateStore } from '../../common/state/boot-state-store.js';
import type { Logger } from '../logger.js';
import { NodeFsReader } from '../../common/fs/fs-reader.js';
import { createCoreOSManager } from './coreos/index.js';
import { createGenericManager } from './generic/index.js';
import { NodeDiskReader } from './generic/erase/on-disk-tables.js';
import { createSafetyCheck } from './generic/erase/protected.js';
import type { HardwareDispatcher } from './dispatch.js';
import type { BlockDevice, HardwareManager, Node } from './types.js';

/** What the built-in managers are built from. */
export interface ManagerInputs {
  config: AgentConfig;
  runner: Runner;
  logger: Logger;
  /** The per-boot state directory (the CoreOS manager keeps its install stamp there). */
  stateStore: BootStateStore;
  /** The dispatcher over all managers (built after them, so given lazily). */
  dispatcher: () => HardwareDispatcher;
}

/** The built-in managers: generic and CoreOS. */
export function builtinManagers(inputs: ManagerInputs): HardwareManager[] {
  const fs = new NodeFsReader();
  const guard = createSafetyCheck({
    runner: inputs.runner,
    logger: inputs.logger.child({ module: 'guard' }),
    disk: new NodeDiskReader(),
    enabled: inputs.config.guardSpecialFilesystems,
  });
  const generic = createGenericManager({
    runner: inputs.runner,
    fs,
    logger: inputs.logger,
    guard,
    config: inputs.config,
  });
  const coreos = createCoreOSManager({
    runner: inputs.runner,
    guard,
    logger: inputs.logger.child({ module: 'coreos' }),
    config: inputs.config,
    stateStore: inputs.stateStore,
    resolveRootDevice: (node: Node): Promise<BlockDevice> => inputs.dispatcher().dispatch('getOsInstallDevice', node),
    bootMode: async () => (await inputs.dispatcher().dispatch('getBootInfo')).current_boot_mode,
  });
  return [generic, coreos];
}
