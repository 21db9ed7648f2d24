/**
 * A copy of this checkout's working tree (tracked and untracked, not ignored
 * files) in a temporary directory, with node_modules linked, so that build
 * and packaging tests start from what a fresh clone has: no dist/.
 */
import { cp, mkdir, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ExecaRunner } from '../../common/exec/execa-runner.js';

/** The project root (where package.json is). */
export const CHECKOUT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Copy the working tree into `dest` (created) and link `dest/node_modules`
 * to this checkout's.
 * @returns `dest`
 */
export async function copyCheckout(dest: string): Promise<string> {
  const listed = await new ExecaRunner().run([
    'git',
    '-C',
    CHECKOUT,
    'ls-files',
    '-z',
    '--cached',
    '--others',
    '--exclude-standard',
  ]);
  const files = listed.stdout.split('\0').filter((f) => f !== '' && !f.startsWith('node_modules/'));
  await mkdir(dest, { recursive: true });
  for (const file of files) {
    await mkdir(dirname(join(dest, file)), { recursive: true });
    await cp(join(CHECKOUT, file), join(dest, file), { preserveTimestamps: true, verbatimSymlinks: true }).catch(
      (error: unknown) => {
        // a file deleted in the working tree but still in the index
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      },
    );
  }
  await symlink(join(CHECKOUT, 'node_modules'), join(dest, 'node_modules'));
  return dest;
}
