/**
 * What the disk-cleaning code needs from the outside world, injected so that
 * unit tests never touch a real disk: the Runner for every command, the
 * agent's FsReader for the two files IPA reads directly, and the Clock to wait.
 */
import type { Clock } from '../../../../common/clock.js';
import type { Runner } from '../../../../common/exec/runner.js';
import type { Logger } from '../../../logger.js';
import type { FsReader } from '../../../../common/fs/fs-reader.js';
import type { Node } from '../../types.js';

/** Shared dependencies of the erase functions. */
export interface EraseDeps {
  runner: Runner;
  logger: Logger;
  /** Reads sysfs read-only flags, the virtual-media label link and NVMe namespaces. */
  fs: FsReader;
  /** Waits of the busy-device polling (a fake clock in tests: no real time). */
  clock: Pick<Clock, 'sleep'>;
}

/**
 * Safety check run on every device before it is erased (see protected.ts).
 * @throws ProtectedDeviceError when the device must not be wiped
 */
export type SafetyCheck = (node: Node, device: string) => Promise<void>;

/** IPA runs disk tools with `use_standard_locale`: their messages must not be translated. */
export const C_LOCALE = { env: { LC_ALL: 'C' } } as const;

/** True for the errors that mean "no such file or link". */
export function isMissing(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === 'ENOENT' || code === 'EINVAL' || code === 'ENOTDIR';
}
