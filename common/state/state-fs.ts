/**
 * The few filesystem calls the per-boot state store makes, behind an
 * interface so tests can fail one of them and so simulate a crash between
 * two steps of a write.
 *
 * Synchronous on purpose: the command journal persists from the executor's
 * synchronous observer, and the session is saved before the next await, so a
 * process killed right after a lookup still leaves its token behind.
 *
 * Local to common/state until the tree has its single Fs seam (issue 13);
 * it is meant to be folded into that.
 */
import { closeSync, fchmodSync, fsyncSync, mkdirSync, chmodSync, openSync, readFileSync, renameSync } from 'node:fs';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';

/** Filesystem operations of the state store. Each throws the Node error (with its `code`) when it fails. */
export interface StateFs {
  /** The file as UTF-8 text. @throws with code `ENOENT` when it does not exist */
  readFile(path: string): string;
  /** Create `path` exclusively with exactly `mode` (the umask does not apply), write all of `data`, fsync it. */
  writeNewFile(path: string, data: string, mode: number): void;
  /** rename(2): atomically replace `to` with `from`. */
  rename(from: string, to: string): void;
  /** fsync a directory, so that a rename done in it survives a crash. */
  syncDir(path: string): void;
  /** Create `path` and its parents, then set it to exactly `mode` (also when it existed). */
  ensureDir(path: string, mode: number): void;
  /** Remove a file; a missing file is not an error. */
  remove(path: string): void;
  /** The names of the entries of a directory. @throws with code `ENOENT` when it does not exist */
  readDir(path: string): string[];
}

/** {@link StateFs} on node:fs. Holds no state. */
export class NodeStateFs implements StateFs {
  readFile(path: string): string {
    return readFileSync(path, 'utf8');
  }

  writeNewFile(path: string, data: string, mode: number): void {
    const fd = openSync(path, 'wx', mode);
    try {
      fchmodSync(fd, mode);
      writeFileSync(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  rename(from: string, to: string): void {
    renameSync(from, to);
  }

  syncDir(path: string): void {
    const fd = openSync(path, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  ensureDir(path: string, mode: number): void {
    mkdirSync(path, { recursive: true, mode });
    chmodSync(path, mode);
  }

  remove(path: string): void {
    rmSync(path, { force: true });
  }

  readDir(path: string): string[] {
    return readdirSync(path);
  }
}
