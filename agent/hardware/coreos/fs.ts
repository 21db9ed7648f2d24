/**
 * The few filesystem operations the CoreOS manager performs, behind an
 * interface so tests can observe them (and run them against a temp dir).
 */
import { constants } from 'node:fs';
import { access, lstat, open, readFile, readlink, rm } from 'node:fs/promises';

/** Filesystem operations used by install_coreos. */
export interface CoreOSFs {
  /** File contents as UTF-8, or null when the file does not exist. */
  readFile(path: string): Promise<string | null>;
  /** Create `path` with `mode` (exclusive: fails if it exists), write `data`, fsync. */
  writeNewFile(path: string, data: string, mode: number): Promise<void>;
  /** Remove a file; a missing file is not an error. */
  remove(path: string): Promise<void>;
  /** True when `path` exists and is executable (symlinks followed as the host sees them). */
  isExecutable(path: string): Promise<boolean>;
  /** The target of a symbolic link, or null when `path` is not one (or does not exist). */
  readLink(path: string): Promise<string | null>;
}

/** CoreOSFs on node:fs. */
export function createNodeFs(): CoreOSFs {
  return {
    async readFile(path) {
      try {
        return await readFile(path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
    },
    async writeNewFile(path, data, mode) {
      const handle = await open(path, 'wx', mode);
      try {
        await handle.chmod(mode);
        await handle.writeFile(data, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
    },
    async remove(path) {
      await rm(path, { force: true });
    },
    async isExecutable(path) {
      try {
        await access(path, constants.X_OK);
        return true;
      } catch {
        return false;
      }
    },
    async readLink(path) {
      try {
        return (await lstat(path)).isSymbolicLink() ? await readlink(path) : null;
      } catch {
        return null;
      }
    },
  };
}
