/**
 * What the disk-cleaning code needs from the outside world, injected so that
 * unit tests never touch a real disk: the Runner for every command, the
 * agent's FsReader for the two files IPA reads directly, and a sleep.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Runner } from '../../../../common/exec/runner.js';
import type { Logger } from '../../../logger.js';
import type { FsReader } from '../../../../common/fs/fs-reader.js';
import type { Node } from '../../types.js';

/** Shared dependencies of the erase functions. */
export interface EraseDeps {
  runner: Runner;
  logger: Logger;
  /** Reads sysfs read-only flags and the virtual-media label link. Default: a NodeFsReader. */
  fs?: FsReader;
  /** Default: a real timer. Injected so busy-wait loops need no real time in tests. */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Safety check run on every device before it is erased (see protected.ts).
 * @throws ProtectedDeviceError when the device must not be wiped
 */
export type SafetyCheck = (node: Node, device: string) => Promise<void>;

/** A real sleep. */
export function realSleep(ms: number): Promise<void> {
  return delay(ms).then(() => undefined);
}

/** IPA runs disk tools with `use_standard_locale`: their messages must not be translated. */
export const C_LOCALE = { env: { LC_ALL: 'C' } } as const;

/** True for the errors that mean "no such file or link". */
export function isMissing(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === 'ENOENT' || code === 'EINVAL' || code === 'ENOTDIR';
}
