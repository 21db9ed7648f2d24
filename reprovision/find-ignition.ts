/**
 * The Ignition binary staged mode runs: `--ignition`, else the dracut
 * module's copy on the node or on this machine, checked before anything
 * changes. Debian's ignition package ships the binary in the module's
 * directory; Fedora CoreOS has it only inside its initramfs (/usr/bin/ignition),
 * where an operator can extract it from.
 */
import { join } from 'node:path';
import type { Fs } from '../common/fs/fs.js';
import { ReprovisionError } from './errors.js';
import type { Target } from './target.js';

/** Where Debian's ignition package keeps the binary. */
export const DRACUT_IGNITION = '/usr/lib/dracut/modules.d/30ignition/ignition';

/** The binary to run. @throws ReprovisionError when none is there */
export async function findIgnition(fs: Fs, target: Target, option: string | undefined): Promise<string> {
  const candidates = option !== undefined ? [option] : [join(target.layout.root, DRACUT_IGNITION), DRACUT_IGNITION];
  for (const candidate of candidates) if (await fs.isExecutable(candidate)) return candidate;
  throw new ReprovisionError(
    `staged mode needs Ignition's binary and ${candidates.join(' and ')} ${candidates.length > 1 ? 'are' : 'is'} not there`,
    'Pass --ignition with the path of an Ignition 2.14 or later binary (Fedora CoreOS keeps it in its initramfs), or use --mode firstboot; nothing was changed',
  );
}
