/**
 * ATA Secure Erase through hdparm. Port of IPA GenericHardwareManager._ata_erase,
 * _get_ata_security_lines and _smartctl_security_check.
 *
 * The ATA security states (SEC1..SEC6) are read from the "Security:" section
 * of `hdparm -I`. The password is IPA's well-known "NULL": it only exists for
 * the duration of the erase, so it is not a secret.
 */
import { BlockDeviceEraseError } from '../../../../common/errors.js';
import { errorText } from './device-checks.js';
import type { EraseDeps } from './deps.js';

/** The temporary user password IPA sets (hdparm < 9.51 treated NULL as the literal string). */
const ERASE_PASSWORD = 'NULL';
/** Passwords tried to unlock a drive left locked by an earlier failed attempt. */
const UNLOCK_PASSWORDS = ['NULL', ''] as const;

/**
 * The indented lines of the "Security:" section of `hdparm -I` output, trimmed,
 * with tabs turned into spaces ("not\tfrozen" → "not frozen"). Empty when the
 * drive reports no security section.
 */
export function parseAtaSecurityLines(hdparmOutput: string): string[] {
  const match = /\nSecurity:[ \t]*\n/.exec(hdparmOutput);
  if (match === null) return [];
  const lines: string[] = [];
  for (const line of hdparmOutput.slice(match.index + match[0].length).split('\n')) {
    if (!line.startsWith('\t')) break;
    lines.push(line.trim().replace(/\t+/g, ' '));
  }
  return lines;
}

/** What the security lines say, as the checks IPA makes on them. */
export interface AtaSecurityState {
  supported: boolean;
  frozen: boolean;
  locked: boolean;
  enabled: boolean;
  enhancedErase: boolean;
}

/** Interpret security lines (exact line matches, like IPA's `in` checks on the list). */
export function ataSecurityState(lines: readonly string[]): AtaSecurityState {
  return {
    supported: lines.includes('supported'),
    frozen: !lines.includes('not frozen'),
    locked: !lines.includes('not locked'),
    enabled: !lines.includes('not enabled'),
    enhancedErase: !lines.includes('not supported: enhanced erase'),
  };
}

/**
 * Securely erase an ATA drive.
 * @returns false when the drive does not support ATA security (try another method)
 * @throws BlockDeviceEraseError when it is supported but frozen, password-locked, or the erase fails
 */
export async function ataErase(deps: EraseDeps, device: string): Promise<boolean> {
  let lines = await securityLines(deps, device);
  if (!(await smartctlAllowsSecurity(deps, device)) || !ataSecurityState(lines).supported) return false;
  if (ataSecurityState(lines).frozen)
    throw new BlockDeviceEraseError(`Block device ${device} is frozen and cannot be erased`);
  lines = await attemptUnlock(deps, device, lines);
  const state = ataSecurityState(lines);
  if (state.locked) throw new BlockDeviceEraseError(`Block device ${device} already has a security password set`);
  if (!state.enabled) {
    try {
      await deps.runner.run(['hdparm', '--user-master', 'u', '--security-set-pass', ERASE_PASSWORD, device]);
    } catch (error) {
      throw new BlockDeviceEraseError(`Security password set failed for device ${device}: ${errorText(error)}`, {
        cause: error,
      });
    }
  }
  const eraseOption = state.enhancedErase ? '--security-erase-enhanced' : '--security-erase';
  try {
    await deps.runner.run(['hdparm', '--user-master', 'u', eraseOption, ERASE_PASSWORD, device]);
  } catch (error) {
    // Unlock so that a shred fallback can still write to the drive.
    await attemptUnlock(deps, device);
    throw new BlockDeviceEraseError(`Erase failed for device ${device}: ${errorText(error)}`, { cause: error });
  }
  if (ataSecurityState(await securityLines(deps, device)).enabled) {
    throw new BlockDeviceEraseError(`An unknown error occurred erasing block device ${device}`);
  }
  deps.logger.info('ATA secure erase completed', { device, enhanced: state.enhancedErase });
  return true;
}

async function securityLines(deps: EraseDeps, device: string): Promise<string[]> {
  const { stdout } = await deps.runner.run(['hdparm', '-I', device]);
  return parseAtaSecurityLines(stdout);
}

/**
 * Whether smartctl can talk ATA to the drive (a SAS/USB bridge cannot pass the
 * security commands). A missing smartctl is tolerated, as in IPA.
 */
async function smartctlAllowsSecurity(deps: EraseDeps, device: string): Promise<boolean> {
  try {
    const { stdout } = await deps.runner.run(['smartctl', '-d', 'ata', device, '-g', 'security'], {
      okExitCodes: [0, 127],
    });
    if (stdout.includes('Unavailable')) {
      deps.logger.debug('smartctl reports ATA security unavailable', { device });
      return false;
    }
    return true;
  } catch (error) {
    if ((error as { notFound?: unknown }).notFound === true) {
      deps.logger.warn('Unable to execute smartctl', { device, error: errorText(error) });
      return true;
    }
    deps.logger.warn('Refusing ATA secure erase: direct ATA commands via smartctl do not succeed', {
      device,
      error: errorText(error),
    });
    return false;
  }
}

async function attemptUnlock(deps: EraseDeps, device: string, known?: string[]): Promise<string[]> {
  let lines = known ?? (await securityLines(deps, device));
  for (const password of UNLOCK_PASSWORDS) {
    if (lines.includes('not locked')) break;
    try {
      await deps.runner.run(['hdparm', '--user-master', 'u', '--security-unlock', password, device]);
    } catch (error) {
      deps.logger.info('Security unlock failed', { device, password, error: errorText(error) });
    }
    lines = await securityLines(deps, device);
  }
  return lines;
}
