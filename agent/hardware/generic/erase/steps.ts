/**
 * The GenericHardwareManager's disk-cleaning steps as StepSpec data:
 * `erase_devices_metadata`, `erase_devices` and `erase_devices_express`,
 * with IPA's interfaces, priorities and result shapes.
 */
import type { Runner } from '../../../../common/exec/runner.js';
import type { Logger } from '../../../logger.js';
import type { BlockDevice, Node, StepContext, StepSpec } from '../../types.js';
import type { BusyWaitOptions } from './busy.js';
import type { Clock } from '../../../../common/clock.js';
import type { FsReader } from '../../../../common/fs/fs-reader.js';
import type { SafetyCheck } from './deps.js';
import { eraseDevicesExpress } from './express.js';
import { eraseDevicesMetadata } from './metadata.js';
import { eraseDevices, type EraseOne } from './secure-erase.js';

/** What the manager injects into the erase steps. */
export interface EraseStepsDeps {
  runner: Runner;
  logger: Logger;
  /**
   * The disks a step may touch, with their partitions: allowlisted and without
   * the node's `skip_block_devices`. Nothing outside this list is ever erased.
   */
  listDevices: (node: Node) => Promise<BlockDevice[]>;
  /** The shared-storage guard run on every device before anything is written (protected.ts). */
  guard: SafetyCheck;
  /** Per-disk erase for erase_devices, e.g. routed through manager dispatch. Default: the generic one. */
  eraseOne?: EraseOne;
  /** The agent's FsReader (sysfs read-only flags, virtual-media link, NVMe namespaces). */
  fs: FsReader;
  /** Waits of the busy-device polling. */
  clock: Pick<Clock, 'sleep'>;
  busyWait?: BusyWaitOptions;
}

/**
 * Build the three erase steps.
 * - `erase_devices_metadata`: clean priority 99, deploy priority 0, abortable; result null.
 * - `erase_devices`: clean priority 10, abortable; result `{<device>: null}`.
 * - `erase_devices_express`: clean priority 0 (on request), abortable; result null.
 */
export function createEraseSteps(deps: EraseStepsDeps): StepSpec[] {
  const logger = deps.logger.child({ module: 'erase' });
  const common = {
    runner: deps.runner,
    logger,
    guard: deps.guard,
    fs: deps.fs,
    clock: deps.clock,
    ...(deps.busyWait !== undefined ? { busyWait: deps.busyWait } : {}),
  };
  return [
    {
      step: 'erase_devices_metadata',
      interface: 'deploy',
      priority: { clean: 99, deploy: 0 },
      abortable: true,
      run: async (context: StepContext) => {
        await eraseDevicesMetadata({ ...common, node: context.node, devices: await deps.listDevices(context.node) });
        return null;
      },
    },
    {
      step: 'erase_devices',
      interface: 'deploy',
      priority: { clean: 10 },
      abortable: true,
      run: async (context: StepContext) => {
        const devices = await deps.listDevices(context.node);
        return eraseDevices({
          ...common,
          node: context.node,
          devices,
          ...(deps.eraseOne !== undefined ? { eraseOne: deps.eraseOne } : {}),
        });
      },
    },
    {
      step: 'erase_devices_express',
      interface: 'deploy',
      priority: { clean: 0 },
      abortable: true,
      run: async (context: StepContext) => {
        await eraseDevicesExpress({ ...common, node: context.node, devices: await deps.listDevices(context.node) });
        return null;
      },
    },
  ];
}
