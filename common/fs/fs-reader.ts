/**
 * The read-only filesystem seam: the agent reads sysfs, procfs, the udev
 * database and /dev symlinks through this interface, so tests can point it at
 * fixture trees or an in-memory fake instead of the real machine.
 */
import { access, readdir, readFile, readlink } from 'node:fs/promises';

/** Reads files and directories. Every method rejects with the Node error (e.g. `ENOENT`) when the path cannot be read. */
export interface FsReader {
  /** The whole file as UTF-8 text. */
  readFile(path: string): Promise<string>;
  /** The entry names of a directory (no `.`/`..`), in the order the system returns them. */
  readdir(path: string): Promise<string[]>;
  /** The target of a symbolic link, exactly as stored (may be relative). */
  readlink(path: string): Promise<string>;
  /** Whether the path exists (follows symlinks). Never rejects. */
  exists(path: string): Promise<boolean>;
}

/** {@link FsReader} backed by `node:fs/promises`. Holds no state. */
export class NodeFsReader implements FsReader {
  async readFile(path: string): Promise<string> {
    return readFile(path, 'utf8');
  }

  async readdir(path: string): Promise<string[]> {
    return readdir(path);
  }

  async readlink(path: string): Promise<string> {
    return readlink(path);
  }

  async exists(path: string): Promise<boolean> {
    try {
      await access(path);
      return true;
    } catch {
      return false;
    }
  }
}

/**
 * Read a file and trim it, or return null when it cannot be read or is empty.
 * Sysfs attributes end with a newline and may be missing on some devices.
 */
export async function readTrimmed(fs: FsReader, path: string): Promise<string | null> {
  try {
    const text = (await fs.readFile(path)).trim();
    return text === '' ? null : text;
  } catch {
    return null;
  }
}

/** `readdir`, or an empty list when the directory cannot be read. */
export async function readdirOrEmpty(fs: FsReader, path: string): Promise<string[]> {
  try {
    return await fs.readdir(path);
  } catch {
    return [];
  }
}
