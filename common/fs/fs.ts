/**
 * The one filesystem seam. The agent reads sysfs, procfs, the udev database,
 * /dev links and its config files, and writes its install stamp and the
 * Ignition file, through {@link Fs}; the `ignition build` and `hints`
 * subcommands read and write the files their options name through it too. Only
 * the composition roots build the node:fs implementation (node-fs.ts); tests
 * pass a temp-dir-backed one or an in-memory fake.
 *
 * ENOENT semantics (the same for every implementation): a method rejects with
 * the error node:fs raises, its `code` kept (`ENOENT` for a missing path,
 * `ENOTDIR`, `EACCES`, ...). No method turns absence into a value except the
 * predicates `exists` and `isExecutable`, which never reject, and `remove`,
 * for which a missing path is success. Callers for whom a missing file is
 * normal use {@link readFileIfExists} (null only for `ENOENT`; any other
 * error still rejects) or test {@link isNotFound}. Fakes signal a missing path
 * with {@link notFoundError}, so both recognise it.
 */

/** Filesystem access: UTF-8 text files, directories, links, and the few writes the tree makes. */
export interface Fs {
  /** The whole file as UTF-8 text. */
  readFile(path: string): Promise<string>;
  /** The entry names of a directory (no `.`/`..`), in the order the system returns them. */
  readdir(path: string): Promise<string[]>;
  /** The target of a symbolic link, exactly as stored (may be relative); `EINVAL` when `path` is no link. */
  readlink(path: string): Promise<string>;
  /** Whether the path exists (symlinks followed). Never rejects. */
  exists(path: string): Promise<boolean>;
  /** Whether the path exists and is executable by this process (symlinks followed). Never rejects. */
  isExecutable(path: string): Promise<boolean>;
  /**
   * The `major:minor` (decimal, as sysfs's `dev` attribute) of the block or
   * character device node at `path` (symlinks followed); null when `path` is
   * not a device node. Rejects (ENOENT) when it does not exist.
   */
  deviceNumber(path: string): Promise<string | null>;
  /**
   * `<st_dev>:<st_ino>` of `path` (symlinks followed): two paths with the same
   * identity are the same directory, bind mounts included. Rejects (ENOENT)
   * when it does not exist.
   */
  identity(path: string): Promise<string>;
  /** The bytes of a (small) file. */
  readBytes(path: string): Promise<Uint8Array>;
  /** Create `path` with `mode` (exclusive: `EEXIST` when it exists), write `data`, fsync. */
  writeNewFile(path: string, data: string, mode: number): Promise<void>;
  /**
   * Replace `path` with `data`, mode exactly `mode`, through a temporary file
   * in the same directory (fsynced, renamed, the directory fsynced): readers see the old or the
   * new file, never half of one. The temporary file is removed on failure.
   */
  writeFileAtomic(path: string, data: string, mode: number): Promise<void>;
  /** Remove a file; a missing file is not an error. */
  remove(path: string): Promise<void>;
  /** `mkdir -p`, with `mode` for the directories it creates. */
  mkdirp(path: string, mode: number): Promise<void>;
  /** rename(2): atomic within one filesystem. */
  rename(from: string, to: string): Promise<void>;
  /** Create a symbolic link at `path` pointing at `target` (`EEXIST` when `path` exists). */
  symlink(target: string, path: string): Promise<void>;
  /** `rm -rf` without crossing into other filesystems' content through links; a missing path is fine. */
  removeTree(path: string): Promise<void>;
}

/** True when `error` is the rejection of an {@link Fs} method for a missing path (`ENOENT`). */
export function isNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'ENOENT';
}

/**
 * The error node:fs raises for a missing path (`ENOENT`, same message shape),
 * for fakes of {@link Fs}.
 * @param syscall - the call that failed, for the message (`open`, `scandir`, `readlink`)
 */
export function notFoundError(path: string, syscall = 'open'): NodeJS.ErrnoException {
  return Object.assign(new Error(`ENOENT: no such file or directory, ${syscall} '${path}'`), {
    code: 'ENOENT',
    errno: -2,
    syscall,
    path,
  });
}

/** The file as UTF-8 text, or null when it does not exist. Other errors reject. */
export async function readFileIfExists(fs: Pick<Fs, 'readFile'>, path: string): Promise<string | null> {
  try {
    return await fs.readFile(path);
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}
