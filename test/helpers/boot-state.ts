/** A per-boot state store on a test directory, with a fixed or scripted boot id. */
import { BootStateStore } from '../../common/state/boot-state-store.js';
import { NodeStateFs, type StateFs } from '../../common/state/state-fs.js';

/** A store on `dir` (created on the first write) whose boot id is `bootId` (a reader may throw). */
export function bootStateStore(
  dir: string,
  bootId: string | (() => string) = 'boot-1',
  fs: StateFs = new NodeStateFs(),
): BootStateStore {
  return new BootStateStore({ dir, fs, bootId: typeof bootId === 'string' ? () => bootId : bootId });
}
