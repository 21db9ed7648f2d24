/**
 * The one crash-safe writer of the agent's state files: the data goes to a
 * temporary file with a unique name in the same directory, is flushed, then
 * renamed over the target and the directory flushed, so a reader sees the old
 * or the new content, never a torn file, and the rename itself survives a
 * crash. A temporary file left by a crash never collides with a later write.
 */
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import type { StateFs } from './state-fs.js';

/**
 * Write `data` to `path` atomically with exactly `mode` (the umask does not apply).
 * @throws the underlying fs error; when it happens before the rename the temporary file is removed first
 */
export function writeFileAtomic(fs: StateFs, path: string, data: string, mode: number): void {
  const dir = dirname(path);
  const tmp = join(dir, tempName(basename(path)));
  try {
    fs.writeNewFile(tmp, data, mode);
    fs.rename(tmp, path);
  } catch (error) {
    try {
      fs.remove(tmp);
    } catch {
      // the write's own error is the one to report
    }
    throw error;
  }
  fs.syncDir(dir);
}

/** `.<name>.<pid>.<8 hex>.tmp`: hidden, unique per process and write. */
export function tempName(name: string): string {
  return `.${name}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
}
