/**
 * {@link Fs} on node:fs/promises: the only implementation that touches the
 * real filesystem, built by the composition roots (agent/main.ts, the
 * `ignition` and `hints` subcommands).
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, chmod, mkdir, open, readdir, readFile, readlink, rename, rm, stat, symlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Fs } from './fs.js';

/** {@link Fs} backed by `node:fs/promises`; rejections are node:fs's own errors. Holds no state. */
export class NodeFs implements Fs {
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
    return access(path).then(
      () => true,
      () => false,
    );
  }

  async isExecutable(path: string): Promise<boolean> {
    return access(path, constants.X_OK).then(
      () => true,
      () => false,
    );
  }

  async deviceNumber(path: string): Promise<string | null> {
    const info = await stat(path);
    if (!info.isBlockDevice() && !info.isCharacterDevice()) return null;
    return deviceNumberOf(info.rdev);
  }

  async identity(path: string): Promise<string> {
    const info = await stat(path, { bigint: true });
    return `${info.dev}:${info.ino}`;
  }

  async readBytes(path: string): Promise<Uint8Array> {
    return readFile(path);
  }

  async writeNewFile(path: string, data: string, mode: number): Promise<void> {
    const handle = await open(path, 'wx', mode);
    try {
      await handle.chmod(mode);
      await handle.writeFile(data, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  async writeFileAtomic(path: string, data: string, mode: number): Promise<void> {
    const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      const handle = await open(temp, 'wx', mode);
      try {
        await handle.writeFile(data, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await chmod(temp, mode);
      await rename(temp, path);
      // the rename is durable only once the directory is: a power cut may otherwise lose it (rename(2), fsync(2))
      const dir = await open(dirname(path), 'r');
      try {
        await dir.sync();
      } finally {
        await dir.close();
      }
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  async remove(path: string): Promise<void> {
    await rm(path, { force: true });
  }

  async mkdirp(path: string, mode: number): Promise<void> {
    await mkdir(path, { recursive: true, mode });
  }

  async rename(from: string, to: string): Promise<void> {
    await rename(from, to);
  }

  async symlink(target: string, path: string): Promise<void> {
    await symlink(target, path);
  }

  async removeTree(path: string): Promise<void> {
    await rm(path, { recursive: true, force: true });
  }
}

/**
 * Linux's `dev_t` as `major:minor` (glibc's gnu_dev_major/gnu_dev_minor:
 * major in bits 8-19 and 32-43, minor in bits 0-7 and 20-31).
 */
export function deviceNumberOf(rdev: number): string {
  const value = BigInt(rdev);
  const major = ((value >> 8n) & 0xfffn) | ((value >> 32n) & 0xfffff000n);
  const minor = (value & 0xffn) | ((value >> 12n) & 0xffffff00n);
  return `${major}:${minor}`;
}
