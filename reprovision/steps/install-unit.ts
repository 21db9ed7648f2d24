/** Writing a generated unit and its enablement link into an /etc tree. */
import { dirname, join } from 'node:path';
import type { Fs } from '../../common/fs/fs.js';
import type { UnitFiles } from '../scripts/units.js';

/** Write `unit` under `etcDir` (0644) and enable it (the `*.wants` link), replacing what a previous run left. */
export async function installUnit(fs: Fs, etcDir: string, unit: UnitFiles): Promise<void> {
  const path = join(etcDir, unit.path);
  await fs.mkdirp(dirname(path), 0o755);
  await fs.writeFileAtomic(path, unit.text, 0o644);
  const link = join(etcDir, unit.wants.link);
  await fs.mkdirp(dirname(link), 0o755);
  await fs.remove(link);
  await fs.symlink(unit.wants.target, link);
}

/** Remove a unit and its link (a missing one is fine). */
export async function removeUnit(fs: Fs, etcDir: string, unit: UnitFiles): Promise<void> {
  await fs.remove(join(etcDir, unit.wants.link));
  await fs.remove(join(etcDir, unit.path));
}
