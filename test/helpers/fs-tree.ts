/**
 * Build throw-away directory trees (sysfs, procfs, /dev, udev database
 * look-alikes) for tests, and an FsReader that records what was read.
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { FsReader } from '../../common/fs/fs-reader.js';
import { NodeFs } from '../../common/fs/node-fs.js';

/** A file's content, a symlink, or an (empty) directory. */
export type TreeEntry = string | { link: string } | { dir: true };

/** Relative path → entry. Parent directories are created as needed. */
export type TreeSpec = Record<string, TreeEntry>;

/** Create a temp dir named `<prefix>-XXXXXX` holding `spec`; returns its path. */
export async function makeTree(prefix: string, spec: TreeSpec): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), `${prefix}-`));
  await addToTree(root, spec);
  return root;
}

/** Add entries to an existing tree. */
export async function addToTree(root: string, spec: TreeSpec): Promise<void> {
  for (const [path, entry] of Object.entries(spec)) {
    const full = join(root, path);
    if (typeof entry === 'object' && 'dir' in entry) {
      await mkdir(full, { recursive: true });
      continue;
    }
    await mkdir(dirname(full), { recursive: true });
    if (typeof entry === 'string') await writeFile(full, entry);
    else await symlink(entry.link, full);
  }
}

/** Remove a tree made by {@link makeTree}. */
export async function removeTree(root: string): Promise<void> {
  await rm(root, { recursive: true, force: true });
}

/** A real NodeFs reader that remembers every path it was asked about. */
export class RecordingFsReader implements FsReader {
  readonly paths: string[] = [];
  private readonly inner = new NodeFs();

  readFile(path: string): Promise<string> {
    this.paths.push(path);
    return this.inner.readFile(path);
  }

  readdir(path: string): Promise<string[]> {
    this.paths.push(path);
    return this.inner.readdir(path);
  }

  readlink(path: string): Promise<string> {
    this.paths.push(path);
    return this.inner.readlink(path);
  }

  exists(path: string): Promise<boolean> {
    this.paths.push(path);
    return this.inner.exists(path);
  }
}
