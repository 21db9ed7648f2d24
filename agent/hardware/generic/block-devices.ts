/**
 * List the machine's block devices: lsblk through the Runner, the device
 * allowlist first, then identity details from sysfs, /dev/disk/by-path and the
 * udev database (falling back to sysfs and `blkid -p` when there is no udev
 * database, as inside a container without /run/udev).
 *
 * Port of IPA hardware.list_all_block_devices (the IO half; the parsing is
 * lsblk.ts) and the virtual-media / RAID-member checks of the erase code.
 */
import { basename, dirname, resolve } from 'node:path';
import { ConfigError } from '../../../common/errors.js';
import type { Runner } from '../../../common/exec/runner.js';
import type { Logger } from '../../logger.js';
import { readdirOrEmpty, readTrimmed, type FsReader } from '../../../common/fs/fs-reader.js';
import { globToRegExp } from '../../../common/fs/glob.js';
import type { BlockDevice } from '../types.js';
import { lsblkArgv, parseLsblk, type LsblkRow } from './lsblk.js';
import { parseBlkidExport, parseUdevDb, udevValue, type DeviceFacts } from './udev.js';

/** Where the host's pseudo filesystems are; tests point these at fixture trees. */
export interface HostPaths {
  /** sysfs. Default `/sys`. */
  sys: string;
  /** devtmpfs. Default `/dev`. */
  dev: string;
  /** The directory holding `udev/data`. Default `/run`. */
  run: string;
}

/** Labels of virtual-media devices the agent must never use (IPA's vfd floppy, config drives, vmedia ISOs). */
export const VIRTUAL_MEDIA_LABELS = ['ir-vfd-dev', 'config-2', 'vmedia_boot_iso'];

/** Constructor arguments of {@link BlockDeviceLister}. */
export interface BlockDeviceListerOptions {
  runner: Runner;
  fs: FsReader;
  logger: Logger;
  /** Globs of `/dev/...` paths that may ever be listed or touched, e.g. `['/dev/sd*', '/dev/nvme*']`. */
  allowlist: readonly string[];
  /** Default {@link HostPaths} values. */
  paths?: Partial<HostPaths>;
}

/** What to list. */
export interface ListBlockDevicesOptions {
  /** Also list partitions (after the disks). Default false. */
  includePartitions?: boolean;
  /** Leave out read-only devices. Default false. */
  excludeReadOnly?: boolean;
  /** Leave out virtual media ({@link VIRTUAL_MEDIA_LABELS}). Default false. */
  excludeVirtualMedia?: boolean;
  /** Leave out members of software RAID arrays (`linux_raid_member`). Default false. */
  excludeRaidMembers?: boolean;
}

/** A device inside the allowlist that was not listed, and why. */
export interface ExcludedDevice {
  name: string;
  reason: string;
}

/** Devices listed, and allowlisted devices left out. */
export interface BlockDeviceScan {
  devices: BlockDevice[];
  excluded: ExcludedDevice[];
}

/** Lists block devices; holds no state besides "the udev fallback was already reported". */
export class BlockDeviceLister {
  private readonly runner: Runner;
  private readonly fs: FsReader;
  private readonly logger: Logger;
  private readonly allowlist: RegExp[];
  private readonly includeLoop: boolean;
  private readonly paths: HostPaths;
  private reportedFallback = false;
  private reportedNoBlkid = false;

  /** @throws ConfigError when the allowlist is empty or a pattern is not a /dev/ glob */
  constructor(options: BlockDeviceListerOptions) {
    if (options.allowlist.length === 0)
      throw new ConfigError(
        'The device allowlist is empty, so no disk could ever be used; give at least one glob such as /dev/sd*',
      );
    this.allowlist = options.allowlist.map((pattern) => {
      if (!pattern.startsWith('/dev/'))
        throw new ConfigError(
          `Device allowlist pattern "${pattern}" must be a glob of /dev/ paths, e.g. /dev/sd* or /dev/nvme0n1`,
        );
      try {
        return globToRegExp(pattern);
      } catch (error) {
        throw new ConfigError(`Device allowlist pattern "${pattern}" is invalid: ${(error as Error).message}`);
      }
    });
    // IPA never lists loop devices; an allowlist that names them is an explicit request (test beds).
    this.includeLoop = options.allowlist.some((p) => p.startsWith('/dev/loop'));
    this.runner = options.runner;
    this.fs = options.fs;
    this.logger = options.logger;
    this.paths = { sys: '/sys', dev: '/dev', run: '/run', ...options.paths };
  }

  /** The devices, without the report of excluded ones. */
  async list(options: ListBlockDevicesOptions = {}): Promise<BlockDevice[]> {
    return (await this.scan(options)).devices;
  }

  /**
   * Run lsblk and build the devices. Devices outside the allowlist are neither
   * listed nor probed (no sysfs reads, no blkid).
   * @throws BlockDeviceError when lsblk output is unusable; CommandExecutionError when lsblk fails
   */
  async scan(options: ListBlockDevicesOptions = {}): Promise<BlockDeviceScan> {
    const { stdout } = await this.runner.run(lsblkArgv());
    const excluded: ExcludedDevice[] = [];
    let hidden = 0;
    const devices = parseLsblk(stdout, {
      includePartitions: options.includePartitions === true,
      includeLoop: this.includeLoop,
      excludeReadOnly: options.excludeReadOnly === true,
      allow: (path, row) => {
        const ok = this.allowed(path, row);
        if (!ok) hidden += 1;
        return ok;
      },
      onSkip: (name, reason) => excluded.push({ name, reason }),
    });
    if (hidden > 0) this.logger.debug('Block devices outside the device allowlist are ignored', { count: hidden });
    const byPath = await this.symlinkTargets('disk/by-path');
    const byLabel = await this.symlinkTargets('disk/by-label');
    const dropped = new Set<BlockDevice>();
    for (const device of devices) {
      if (dropped.has(device)) continue; // a partition of a device already left out
      const facts = await this.facts(device);
      await this.enrich(device, facts, byPath);
      const reason = exclusionReason(device, facts, byLabel, options);
      if (reason === null) continue;
      excluded.push({ name: device.name, reason });
      for (const part of [device, ...(device.partitions ?? [])]) dropped.add(part);
      for (const part of device.partitions ?? [])
        excluded.push({ name: part.name, reason: `partition of ${device.name} (${reason})` });
    }
    const kept = devices.filter((d) => !dropped.has(d));
    for (const device of kept) {
      if (device.partitions !== undefined) device.partitions = device.partitions.filter((p) => !dropped.has(p));
    }
    return { devices: kept, excluded };
  }

  /** A device is allowed when its path matches; a partition also when its disk does. */
  private allowed(path: string, row: LsblkRow): boolean {
    if (this.allowlist.some((re) => re.test(path))) return true;
    const parent = row['pkname'];
    return (
      row['type'] === 'part' && typeof parent === 'string' && this.allowlist.some((re) => re.test(`/dev/${parent}`))
    );
  }

  /** Map `/dev/<kname>` → the symlinks in `/dev/<dir>` pointing at it, sorted. */
  private async symlinkTargets(dir: string): Promise<Map<string, string[]>> {
    const root = `${this.paths.dev}/${dir}`;
    const map = new Map<string, string[]>();
    const entries = (await readdirOrEmpty(this.fs, root)).sort();
    if (entries.length === 0) this.logger.debug('No /dev symlink directory', { path: `/dev/${dir}` });
    for (const entry of entries) {
      try {
        const target = resolve(dirname(`${root}/${entry}`), await this.fs.readlink(`${root}/${entry}`));
        const devName = target.startsWith(`${this.paths.dev}/`)
          ? `/dev/${target.slice(this.paths.dev.length + 1)}`
          : target;
        map.set(devName, [...(map.get(devName) ?? []), `/dev/${dir}/${entry}`]);
      } catch {
        // not a symlink or vanished: ignore
      }
    }
    return map;
  }

  /** udev database facts, else blkid facts (reported once per lister). */
  private async facts(device: BlockDevice): Promise<DeviceFacts> {
    const kname = basename(device.name);
    const majmin = await readTrimmed(this.fs, `${this.paths.sys}/class/block/${kname}/dev`);
    if (majmin !== null) {
      const db = await readTrimmed(this.fs, `${this.paths.run}/udev/data/b${majmin}`);
      if (db !== null) return parseUdevDb(db);
    }
    if (!this.reportedFallback) {
      this.reportedFallback = true;
      this.logger.debug('No udev database entry for block devices; using sysfs and blkid instead', {
        path: `${this.paths.run}/udev/data`,
      });
    }
    return this.blkid(device.name);
  }

  private async blkid(path: string): Promise<DeviceFacts> {
    try {
      const result = await this.runner.run(['blkid', '-p', '-o', 'export', path], {
        okExitCodes: [0, 2],
        timeoutMs: 30_000,
      });
      return parseBlkidExport(result.stdout);
    } catch (error) {
      const notFound = (error as { notFound?: boolean }).notFound === true;
      if (!notFound)
        this.logger.debug('blkid failed for a block device', { device: path, error: (error as Error).message });
      else if (!this.reportedNoBlkid) {
        this.reportedNoBlkid = true;
        this.logger.warn('blkid is not installed; virtual media and RAID members cannot be recognised without udev');
      }
      return { source: 'none', properties: {}, symlinks: [] };
    }
  }

  /** Fill vendor, hctl, by_path, serial/wwn lists and the wwn extensions (IPA's priority: lsblk first). */
  private async enrich(device: BlockDevice, facts: DeviceFacts, byPath: Map<string, string[]>): Promise<void> {
    const kname = basename(device.name);
    const sysBlock = `${this.paths.sys}/class/block/${kname}`;
    const vendor = await readTrimmed(this.fs, `${sysBlock}/device/vendor`);
    if (vendor !== null) device.vendor = vendor;
    const scsi = (await readdirOrEmpty(this.fs, `${sysBlock}/device/scsi_device`)).sort()[0];
    if (scsi !== undefined) device.hctl = scsi;
    const udevByPath = facts.symlinks.filter((s) => s.startsWith('disk/by-path/')).sort()[0];
    device.by_path = byPath.get(device.name)?.[0] ?? (udevByPath === undefined ? null : `/dev/${udevByPath}`);
    device.wwn_with_extension = udevValue(facts, 'WWN_WITH_EXTENSION');
    device.wwn_vendor_extension = udevValue(facts, 'WWN_VENDOR_EXTENSION');
    const sysSerial = facts.source === 'udev' ? null : await this.sysfsSerial(sysBlock);
    const serials = [device.serial, udevValue(facts, 'SERIAL_SHORT'), udevValue(facts, 'SERIAL'), sysSerial];
    const wwns = [device.wwn, udevValue(facts, 'WWN')];
    device.all_serials = unique(serials);
    device.all_wwns = unique(wwns);
    device.serial = device.all_serials[0] ?? null;
    device.wwn = device.all_wwns[0] ?? null;
  }

  private async sysfsSerial(sysBlock: string): Promise<string | null> {
    return (await readTrimmed(this.fs, `${sysBlock}/serial`)) ?? readTrimmed(this.fs, `${sysBlock}/device/serial`);
  }
}

function exclusionReason(
  device: BlockDevice,
  facts: DeviceFacts,
  byLabel: Map<string, string[]>,
  options: ListBlockDevicesOptions,
): string | null {
  if (options.excludeVirtualMedia === true) {
    const labels = [facts.properties['ID_FS_LABEL'], ...(byLabel.get(device.name) ?? []).map((l) => basename(l))];
    const label = labels.find((l) => l !== undefined && VIRTUAL_MEDIA_LABELS.includes(l.toLowerCase()));
    if (label !== undefined) return `virtual media (label ${label})`;
  }
  if (options.excludeRaidMembers === true && facts.properties['ID_FS_TYPE'] === 'linux_raid_member') {
    return 'member of a software RAID array (linux_raid_member)';
  }
  return null;
}

function unique(values: ReadonlyArray<string | null>): string[] {
  return [...new Set(values.filter((v): v is string => v !== null && v !== ''))];
}
