/**
 * The read-only view of the {@link Fs} seam (fs.ts), and the two absence
 * helpers sysfs readers use. The hardware managers and inspection collectors
 * read sysfs, procfs, the udev database and /dev symlinks through it, so
 * tests can point it at fixture trees or an in-memory fake.
 */
import type { Fs } from './fs.js';

/**
 * The reading half of {@link Fs}: what hardware discovery and inspection need. Same ENOENT semantics as {@link Fs}.
 * `deviceNumber`, `identity` and `readBytes` are optional so that fixture trees and fakes need not fake them.
 */
export type FsReader = Pick<Fs, 'readFile' | 'readdir' | 'readlink' | 'exists'> &
  Partial<Pick<Fs, 'deviceNumber' | 'identity' | 'readBytes'>>;

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
