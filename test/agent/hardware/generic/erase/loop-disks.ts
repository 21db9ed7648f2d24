/**
 * Sparse loop disks for the real-disk erase tests. Every disk is tracked so
 * `detachAll` can release it in an `after` hook, whatever failed before.
 * Loop devices are shared with other test runs: acquisition retries while
 * none is free, and stale partitions left on a recycled loop are removed first.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, open, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { ExecaRunner } from '../../../../../common/exec/execa-runner.js';

/** One attached loop disk. */
export interface LoopDisk {
  /** `/dev/loopN`. */
  device: string;
  /** The sparse backing file. */
  file: string;
  /** Logical sector size. */
  sectorSize: number;
}

const runner = new ExecaRunner();

/** Run a setup command (real programs, argv only). */
export async function sh(...argv: string[]): Promise<string> {
  return (await runner.run(argv)).stdout;
}

/** Tools the real-disk tests need; the missing ones. */
export async function missingTools(tools: readonly string[]): Promise<string[]> {
  const missing: string[] = [];
  for (const tool of tools) {
    try {
      await runner.run(['sh', '-c', 'command -v "$0"', tool]);
    } catch {
      missing.push(tool);
    }
  }
  return missing;
}

/** Creates and tracks loop disks in one temp directory. */
export class LoopDisks {
  private readonly disks: LoopDisk[] = [];
  private dir: string | undefined;

  /** Create a sparse file of `sizeMiB` and attach it (`losetup -f --show`). */
  async create(name: string, sizeMiB: number, sectorSize = 512): Promise<LoopDisk> {
    this.dir ??= await mkdtemp(join(tmpdir(), 'erase-loop-'));
    const file = join(this.dir, `${name}.img`);
    await sh('truncate', '-s', `${sizeMiB}M`, file);
    const device = (await attach(file, sectorSize)).trim();
    const disk = { device, file, sectorSize };
    this.disks.push(disk);
    await dropPartitions(device);
    return disk;
  }

  /** Attach a sparse copy of `disk`'s file (flushed first), with the same sector size. */
  async clone(disk: LoopDisk, name: string): Promise<LoopDisk> {
    await sh('blockdev', '--flushbufs', disk.device);
    const file = join(dirname(disk.file), `${name}.img`);
    await sh('cp', '--sparse=always', disk.file, file);
    const device = (await attach(file, disk.sectorSize)).trim();
    const copy = { device, file, sectorSize: disk.sectorSize };
    this.disks.push(copy);
    await dropPartitions(device);
    return copy;
  }

  /** Tell the kernel about the partitions (no partition-table support here) and check the nodes. */
  async addPartitions(disk: LoopDisk, count: number): Promise<string[]> {
    await sh('partx', '-a', disk.device);
    const parts = Array.from({ length: count }, (_, i) => `${disk.device}p${i + 1}`);
    for (const part of parts) {
      if (!(await stat(part)).isBlockDevice())
        throw new Error(`${part} is not a block device; refusing to write to it`);
    }
    return parts;
  }

  /** Remove partitions and detach every disk, then delete the files. Never throws. */
  async detachAll(): Promise<void> {
    for (const disk of this.disks.splice(0)) {
      await dropPartitions(disk.device);
      await runner.run(['losetup', '-d', disk.device]).catch(() => undefined);
    }
    if (this.dir !== undefined) await rm(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }
}

async function attach(file: string, sectorSize: number): Promise<string> {
  const argv = ['losetup', '-f', '--show', ...(sectorSize === 512 ? [] : ['-b', String(sectorSize)]), file];
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await sh(...argv);
    } catch (error) {
      // Other suites share the few loop devices this kernel has; wait for one.
      if (attempt >= 30 || !String((error as Error).message).includes('unused loop device')) throw error;
      await delay(2000);
    }
  }
}

async function dropPartitions(device: string): Promise<void> {
  await runner.run(['partx', '-d', device]).catch(() => undefined);
}

/** sha256 of a whole file. */
export async function sha256(file: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
}

/** `length` bytes of `file` at `offset` (negative: from the end). */
export async function readBytes(file: string, offset: number, length: number): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const size = (await handle.stat()).size;
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, offset < 0 ? size + offset : offset);
    return buffer;
  } finally {
    await handle.close();
  }
}

/** True when every byte is zero. */
export function allZero(buffer: Buffer): boolean {
  return buffer.every((b) => b === 0);
}
