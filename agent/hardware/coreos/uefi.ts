/**
 * UEFI NVRAM boot entry for the installed disk (coreos-installer does not
 * create one; fedora-coreos-tracker#2093).
 *
 * Port of the UEFI part of openshift/ironic-agent-image `install_coreos` and
 * IPA `efi_utils.manage_uefi`: find the ESP, pick the loader, delete entries
 * with the same label, then `efibootmgr -c -d <disk> -p <n> -w -L <label> -l
 * <loader>`. Retried 6 times, 5 s apart, on command failures (firmware
 * variable stores are flaky right after a large write, Red Hat BZ 2057668);
 * a missing ESP is not retried. Limits: see uefi-esp.ts (no vfat mount; the
 * CSV hint needs mtools).
 */
import pRetry, { AbortError } from 'p-retry';
import { CommandExecutionError, DeviceNotFound } from '../../../common/errors.js';
import type { Runner } from '../../../common/exec/runner.js';
import type { Logger } from '../../logger.js';
import { findEsp, loaderFromOsRelease, readCsvLoader, type EspPartition, type UefiLoader } from './uefi-esp.js';

/** What {@link ensureUefiBootEntry} needs. */
export interface UefiDeps {
  runner: Runner;
  logger: Logger;
  /** Waits between attempts (injectable for tests). */
  sleep: (ms: number) => Promise<void>;
  /** Reads a file of the host root, null when missing (os-release fallback). */
  readFile: (path: string) => Promise<string | null>;
  /** The host root (for `<rootMount>/usr/lib/os-release`). */
  rootMount: string;
  /** Loader path to use instead of the CSV hint, e.g. `\EFI\fedora\shimx64.efi`. Default: none. */
  loaderPath?: string | null;
  /** Label for a configured loader path. Default: derived from os-release. */
  label?: string | null;
  /** Node `process.arch` of the target. Default: this process's. */
  arch?: string;
  /** Attempts in total. Default 6. */
  attempts?: number;
  /** Delay between attempts in ms. Default 5000. */
  delayMs?: number;
}

/** One NVRAM boot entry. */
export interface BootEntry {
  /** Hex number (`0003`). */
  number: string;
  label: string;
}

/** Parse `efibootmgr` output into its boot entries (pure). */
export function parseBootEntries(output: string): BootEntry[] {
  const entries: BootEntry[] = [];
  for (const line of output.split('\n')) {
    const match = /^Boot([0-9A-Fa-f]{4})\*?\s+(.*)$/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined)
      entries.push({ number: match[1], label: (match[2].split('\t')[0] ?? '').trim() });
  }
  return entries;
}

/**
 * Create the boot entry for `disk`, replacing entries with the same label.
 * @returns the ESP and the loader that were registered
 * @throws DeviceNotFound when the disk has no ESP; the last CommandExecutionError after all attempts
 */
export async function ensureUefiBootEntry(
  disk: string,
  deps: UefiDeps,
): Promise<{ esp: EspPartition; loader: UefiLoader }> {
  const { runner, logger } = deps;
  const delayMs = deps.delayMs ?? 5000;
  const attempt = async (): Promise<{ esp: EspPartition; loader: UefiLoader }> => {
    let esp: EspPartition;
    try {
      esp = await findEsp(runner, disk);
    } catch (error) {
      throw error instanceof DeviceNotFound ? new AbortError(error) : error;
    }
    const loader = await chooseLoader(esp, deps);
    const { stdout } = await runner.run(['efibootmgr']);
    for (const entry of parseBootEntries(stdout).filter((e) => e.label === loader.label)) {
      logger.info('Removing UEFI boot entry with the same label', { entry: entry.number, label: entry.label });
      await runner.run(['efibootmgr', '-b', entry.number, '-B']);
    }
    await runner.run([
      'efibootmgr',
      '-c',
      '-d',
      disk,
      '-p',
      String(esp.number),
      '-w',
      '-L',
      loader.label,
      '-l',
      loader.path,
    ]);
    logger.info('Created UEFI boot entry', {
      disk,
      partition: esp.number,
      label: loader.label,
      loader: loader.path,
      source: loader.source,
    });
    return { esp, loader };
  };
  return pRetry(attempt, {
    retries: Math.max(0, (deps.attempts ?? 6) - 1),
    minTimeout: 0,
    maxTimeout: 0,
    shouldRetry: (error) => error instanceof CommandExecutionError,
    onFailedAttempt: async (error) => {
      logger.warn('UEFI boot entry attempt failed', {
        attempt: error.attemptNumber,
        retriesLeft: error.retriesLeft,
        error: error.message,
      });
      if (error.retriesLeft > 0 && error instanceof CommandExecutionError) await deps.sleep(delayMs);
    },
  });
}

async function chooseLoader(esp: EspPartition, deps: UefiDeps): Promise<UefiLoader> {
  const arch = deps.arch ?? process.arch;
  const osRelease = async (): Promise<string | null> =>
    (await deps.readFile(`${deps.rootMount}/usr/lib/os-release`)) ??
    (await deps.readFile(`${deps.rootMount}/etc/os-release`));
  if (deps.loaderPath !== undefined && deps.loaderPath !== null && deps.loaderPath !== '') {
    const label = deps.label ?? loaderFromOsRelease(await osRelease(), arch).label;
    return { label, path: deps.loaderPath, source: 'config' };
  }
  try {
    const fromCsv = await readCsvLoader(deps.runner, esp.device, arch);
    if (fromCsv !== null) return fromCsv;
  } catch (error) {
    deps.logger.warn('Could not read the boot loader hint from the ESP', {
      esp: esp.device,
      error: (error as Error).message,
    });
  }
  return loaderFromOsRelease(await osRelease(), arch);
}
