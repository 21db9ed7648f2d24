/** Shared test support for the erase tests: device builders, an in-memory FsReader, fixtures. */
import { readFileSync } from 'node:fs';
import type { EraseDeps } from '../../../../../agent/hardware/generic/erase/deps.js';
import type { BlockDevice, Node } from '../../../../../agent/hardware/types.js';
import type { Logger } from '../../../../../agent/logger.js';
import { notFoundError } from '../../../../../common/fs/fs.js';
import type { FsReader } from '../../../../../common/fs/fs-reader.js';
import { FakeClock } from '../../../../helpers/fake-clock.js';
import type { Scripted } from '../../../../helpers/fake-runner.js';
import type { FakeRunner } from '../../../../helpers/fake-runner.js';

/** A BlockDevice with only a name (and optional partitions) set. */
export function disk(name: string, partitions: string[] = [], extra: Partial<BlockDevice> = {}): BlockDevice {
  const base: BlockDevice = {
    name,
    model: null,
    size: 64 * 1024 * 1024,
    rotational: false,
    wwn: null,
    serial: null,
    vendor: null,
    wwn_with_extension: null,
    wwn_vendor_extension: null,
    hctl: null,
    by_path: null,
    logical_sectors: 512,
    physical_sectors: 512,
    tran: null,
    type: 'disk',
    ...extra,
  };
  if (partitions.length > 0) base.partitions = partitions.map((p) => ({ ...base, name: p, type: 'part' }));
  return base;
}

/** A node with the given driver_internal_info. */
export function node(info: Record<string, unknown> = {}): Node {
  return { uuid: '1be26c0b-03f2-4d2e-ae87-c02d7f33c123', driver_internal_info: info };
}

/**
 * In-memory FsReader: read-only flags by device basename, the virtual-media link,
 * and `namespaces`: the entries of `/sys/class/block/<basename>/device` (an NVMe controller directory).
 */
export function fakeFs(
  options: {
    readOnly?: string[];
    virtualMedia?: string;
    missingSysfs?: boolean;
    namespaces?: Record<string, string[]>;
  } = {},
): FsReader {
  return {
    readlink: async (path) => {
      if (path === '/dev/disk/by-label/ir-vfd-dev' && options.virtualMedia !== undefined) return options.virtualMedia;
      throw notFoundError(path);
    },
    readFile: async (path) => {
      const match = /^\/sys\/class\/block\/([^/]+)\/ro$/.exec(path);
      if (match === null || options.missingSysfs === true) throw notFoundError(path);
      return (options.readOnly ?? []).includes(match[1] ?? '') ? '1\n' : '0\n';
    },
    readdir: async (path) => {
      const match = /^\/sys\/class\/block\/([^/]+)\/device$/.exec(path);
      const entries = match === null ? undefined : options.namespaces?.[match[1] ?? ''];
      if (entries === undefined) throw notFoundError(path);
      return entries;
    },
    exists: async () => false,
  };
}

/** Deps around a FakeRunner; sleeps are recorded (`sleeps`), never waited (an auto-advancing FakeClock). */
export function fakeDeps(
  runner: FakeRunner,
  logger: Logger,
  fs: FsReader = fakeFs(),
): EraseDeps & { sleeps: number[] } {
  const clock = new FakeClock({ auto: true });
  return { runner, logger, fs, clock, sleeps: clock.sleeps };
}

/** A fixture file's text. */
export function fixture(name: string): string {
  return readFileSync(new URL(`../../../../fixtures/erase/${name}`, import.meta.url), 'utf8');
}

/** `lsblk --fs --noheadings <dev>` answering "no RAID member". */
export function notRaid(device: string, fstype = ''): Scripted {
  return { match: ['lsblk', '--fs', '--noheadings', device], stdout: `${device.replace('/dev/', '')} ${fstype}\n` };
}

/** The full destroyDiskMetadata command sequence for a device of at least 34 KiB, as answers. */
export function metadataScript(device: string, sectorSize: number, size: number): Scripted[] {
  return [
    { match: ['wipefs', '--force', '--all', device] },
    { match: ['blockdev', '--getss', device], stdout: `${sectorSize}\n` },
    { match: ['blockdev', '--getsize64', device], stdout: `${size}\n` },
    { match: (argv) => argv[0] === 'dd' && argv.includes(`of=${device}`), repeat: false },
    { match: (argv) => argv[0] === 'dd' && argv.includes(`of=${device}`), repeat: false },
    { match: (argv) => argv[0] === 'dd' && argv.includes(`of=${device}`), repeat: false },
    {
      match: ['blockdev', '--rereadpt', device],
      exitCode: 1,
      stderr: 'blockdev: ioctl error on BLKRRPART: Invalid argument\n',
    },
    { match: ['fuser', device], exitCode: 1 },
  ];
}

/** Argv of every recorded call. */
export function argvs(runner: FakeRunner): string[][] {
  return runner.calls.map((c) => c.argv);
}
