/** The kernel's per-boot random id, used to tell this boot's state from a previous boot's. */
import { readFileSync } from 'node:fs';

/** Where Linux exposes the boot id. */
export const DEFAULT_BOOT_ID_PATH = '/proc/sys/kernel/random/boot_id';

/**
 * Read the boot id (a UUID) from `path`.
 * @throws Error when the file cannot be read or does not hold an id
 */
export function readBootId(path: string = DEFAULT_BOOT_ID_PATH): string {
  const id = readFileSync(path, 'utf8').trim();
  if (!/^[0-9a-f-]{16,64}$/i.test(id)) throw new Error(`${path} does not hold a boot id`);
  return id.toLowerCase();
}
