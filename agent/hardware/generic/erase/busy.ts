/**
 * Wait until no process holds a device open (port of IPA
 * disk_utils.wait_for_disk_to_become_available, which uses `fuser`).
 */
import { DeviceNotFound } from '../../../../common/errors.js';
import { errorText } from './device-checks.js';
import type { EraseDeps } from './deps.js';

/** Retry policy; IPA's `[disk_partitioner]` defaults. */
export interface BusyWaitOptions {
  /** check_device_max_retries. Default 20. */
  attempts?: number;
  /** check_device_interval in milliseconds. Default 1000. */
  intervalMs?: number;
}

/** The PIDs `fuser` printed on stdout (psmisc and busybox both print only PIDs there). */
export function parseFuserPids(stdout: string): string[] {
  return stdout.match(/\d+/g) ?? [];
}

/**
 * Poll `fuser <device>` until it reports no PIDs.
 *
 * Unlike IPA, text on stderr alone does not count as busy: psmisc writes
 * "Cannot stat file /proc/1/fd/..." there inside containers, which would
 * make every wait time out.
 * @throws DeviceNotFound (IPA's error) when the device is still held after all attempts
 */
export async function waitUntilNotBusy(deps: EraseDeps, device: string, options: BusyWaitOptions = {}): Promise<void> {
  const attempts = options.attempts ?? 20;
  const intervalMs = options.intervalMs ?? 1000;
  let pids: string[] = [];
  let lastError = '';
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    try {
      // fuser exits 1 when nobody uses the device.
      const { stdout, stderr } = await deps.runner.run(['fuser', device], { okExitCodes: [0, 1] });
      pids = parseFuserPids(stdout);
      if (pids.length === 0) {
        if (stderr.trim() !== '')
          deps.logger.debug('fuser wrote to stderr without PIDs', { device, stderr: stderr.trim().slice(0, 200) });
        return;
      }
      lastError = stderr.trim();
    } catch (error) {
      lastError = errorText(error);
      deps.logger.warn('Failed to check the device with fuser', { device, error: lastError });
    }
    if (attempt < attempts) await deps.clock.sleep(intervalMs);
  }
  if (pids.length > 0) {
    throw new DeviceNotFound(
      `Processes with the following PIDs are holding device ${device}: ${pids.join(', ')}. Timed out waiting for completion.`,
    );
  }
  throw new DeviceNotFound(
    `Fuser exited with "${lastError}" while checking locks for device ${device}. Timed out waiting for completion.`,
  );
}
