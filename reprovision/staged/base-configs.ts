/**
 * The distribution's Ignition base configs, carried into the work
 * directory's system config dir.
 *
 * Ignition reads, besides `user.ign`, every `base.d/*.ign` and
 * `base.platform.d/<platform>/*.ign` of its system config dir and merges them
 * under the user config in every stage (coreos/ignition
 * internal/providers/system/system.go, `FetchBaseConfig`). FCOS ships them in
 * the initrd's /usr/lib/ignition; since IGNITION_SYSTEM_CONFIG_DIR points into
 * the work directory here, they must be copied there, or the run would lack
 * what the initrd's run has.
 */
import { join } from 'node:path';
import type { Fs } from '../../common/fs/fs.js';
import { isNotFound } from '../../common/fs/fs.js';
import { checkPlatform } from './ignition-argv.js';

/**
 * Copy `<from>/base.d/*.ign` and `<from>/base.platform.d/<platform>/*.ign` to
 * the same places under `systemDir` (files 0600, directories 0700). A missing
 * directory copies nothing.
 * @param fs - the filesystem
 * @param from - a directory laid out like /usr/lib/ignition (e.g. in the unpacked initrd)
 * @param systemDir - the work directory's system config dir
 * @param platform - the Ignition platform id
 * @returns the copied files, relative to `systemDir`, sorted
 */
export async function copyBaseConfigs(fs: Fs, from: string, systemDir: string, platform: string): Promise<string[]> {
  const copied: string[] = [];
  for (const dir of ['base.d', join('base.platform.d', checkPlatform(platform))]) {
    for (const name of await ignFiles(fs, join(from, dir))) {
      await fs.mkdirp(join(systemDir, dir), 0o700);
      await fs.writeFileAtomic(join(systemDir, dir, name), await fs.readFile(join(from, dir, name)), 0o600);
      copied.push(join(dir, name));
    }
  }
  return copied.sort();
}

/**
 * Remove the base configs an earlier run copied under `systemDir` (every
 * `base.d/*.ign` and `base.platform.d/<any>/*.ign`), so a run never merges
 * another run's.
 */
export async function clearBaseConfigs(fs: Fs, systemDir: string): Promise<void> {
  const dirs = ['base.d'];
  for (const platform of await entries(fs, join(systemDir, 'base.platform.d'))) {
    dirs.push(join('base.platform.d', platform));
  }
  for (const dir of dirs) {
    for (const name of await ignFiles(fs, join(systemDir, dir))) await fs.remove(join(systemDir, dir, name));
  }
}

/** The `*.ign` names in `dir`, sorted; none when it does not exist. */
async function ignFiles(fs: Fs, dir: string): Promise<string[]> {
  return (await entries(fs, dir)).filter((name) => name.endsWith('.ign'));
}

/** The entries of `dir`, sorted; none when it does not exist. */
async function entries(fs: Fs, dir: string): Promise<string[]> {
  try {
    return (await fs.readdir(dir)).sort();
  } catch (error) {
    if (isNotFound(error)) return [];
    throw error;
  }
}
