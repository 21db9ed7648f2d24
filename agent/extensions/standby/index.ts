/**
 * The `standby` extension: power_off, run_image (reboot), sync and
 * get_partition_uuids. Image writing (prepare_image) is not offered: CoreOS is
 * installed by the install_coreos deploy step instead.
 */
import { SystemRebootError } from '../../../common/errors.js';
import type { Runner } from '../../../common/exec/runner.js';
import type { ProcessError } from '../../../common/exec/process-error.js';
import type { Logger } from '../../logger.js';
import { defineCommand, noParams } from '../../commands/define-command.js';
import type { Extension } from '../../commands/types.js';
import type { HardwareDispatcher } from '../../hardware/dispatch.js';

/** Dependencies of the standby extension. */
export interface StandbyDeps {
  runner: Runner;
  dispatcher: HardwareDispatcher;
  logger: Logger;
  /** Host root; power actions run as `chroot <rootMount> systemctl poweroff|reboot`. */
  rootMount: string;
  /** Called once a power action was issued (the agent stops heartbeating). */
  onPowerAction?: (action: 'poweroff' | 'reboot') => void;
}

/** Build the `standby` extension. */
export function createStandbyExtension(deps: StandbyDeps): Extension {
  return {
    name: 'standby',
    commands: {
      power_off: defineCommand({
        mode: 'async',
        parse: noParams,
        run: async () => {
          await powerAction(deps, 'poweroff');
          return null;
        },
      }),
      run_image: defineCommand({
        mode: 'async',
        parse: noParams,
        run: async () => {
          await powerAction(deps, 'reboot');
          return null;
        },
      }),
      sync: defineCommand({
        mode: 'sync',
        parse: noParams,
        run: async () => {
          await fullSync(deps);
          return null;
        },
      }),
      get_partition_uuids: defineCommand({ mode: 'sync', parse: noParams, run: async () => ({}) }),
    },
  };
}

async function fullSync(deps: StandbyDeps): Promise<void> {
  await deps.runner.run(['sync']);
  try {
    await deps.dispatcher.dispatchAll('fullSync');
  } catch {
    // No manager has extra flushing to do: `sync` above is enough.
  }
}

/**
 * Sync, then ask the host's systemd to power off or reboot. IPA falls back to
 * sysrq; we do not, because a wrong fallback would power off whatever machine
 * the agent runs on (Ironic forces the power state through the BMC anyway).
 */
async function powerAction(deps: StandbyDeps, action: 'poweroff' | 'reboot'): Promise<void> {
  await fullSync(deps);
  deps.logger.info('Requesting power action from the host', { action });
  try {
    await deps.runner.run(['chroot', deps.rootMount, 'systemctl', action, '--no-block']);
  } catch (error) {
    const failure = error as ProcessError;
    throw new SystemRebootError(
      `${action} via "chroot ${deps.rootMount} systemctl ${action}" failed with exit code ${String(failure.exitCode)}. ` +
        `stdout: ${failure.stdout ?? ''}. stderr: ${failure.stderr ?? ''}.`,
    );
  }
  deps.onPowerAction?.(action);
}
