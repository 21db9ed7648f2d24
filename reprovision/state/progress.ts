/**
 * How far a reprovision really got: the stamp's own phase, advanced by the
 * marker files the switch and boot scripts leave (they cannot edit JSON),
 * and the success marker. Reads only.
 */
import { join } from 'node:path';
import type { Fs } from '../../common/fs/fs.js';
import { readFileIfExists } from '../../common/fs/fs.js';
import { SUCCESS_FILE } from '../scripts/boot-script.js';
import { switchFiles } from '../scripts/switch-script.js';
import type { Phase, Stamp } from './stamp.js';

/** The success marker the boot script writes. */
export interface SuccessMarker {
  readonly sha256: string;
  readonly deployment: string;
  readonly boot_id: string;
  readonly recorded_at: string;
  readonly operation: string;
}

/** The operation id of an apply of config `sha256`. */
export function applyId(sha256: string): string {
  return `apply-${sha256.slice(0, 12)}`;
}

/** The operation id of the rollback of an apply of config `sha256`. */
export function rollbackId(sha256: string): string {
  return `rollback-${sha256.slice(0, 12)}`;
}

/** The success marker, or null when none was written (or it is unreadable). */
export async function readSuccess(fs: Pick<Fs, 'readFile'>, stateDir: string): Promise<SuccessMarker | null> {
  const text = await readFileIfExists(fs, join(stateDir, SUCCESS_FILE)).catch(() => null);
  if (text === null) return null;
  try {
    return JSON.parse(text) as SuccessMarker;
  } catch {
    return null;
  }
}

/** The phase a stamp is really in, given the markers in `stateDir`. */
export async function effectivePhase(
  fs: Pick<Fs, 'readFile' | 'exists'>,
  stateDir: string,
  stamp: Stamp,
): Promise<Phase> {
  if (stamp.phase === 'rolled-back') return 'rolled-back';
  if (await fs.exists(join(stateDir, switchFiles(rollbackId(stamp.sha256)).done))) return 'rolled-back';
  const success = await readSuccess(fs, stateDir);
  if (success !== null && success.sha256 === stamp.sha256 && success.deployment === stamp.deployment) return 'complete';
  const apply = switchFiles(applyId(stamp.sha256));
  if (await fs.exists(join(stateDir, apply.done))) return 'switched';
  if (await fs.exists(join(stateDir, apply.started))) return 'switching';
  return stamp.phase;
}
