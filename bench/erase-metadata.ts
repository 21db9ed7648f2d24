/**
 * `erase-metadata`: the `erase_devices_metadata` cleaning step on two loop
 * disks with two partitions each (ext4 and vfat), IPA's `sgdisk -Z` per device
 * (the baseline, `zap: 'sgdisk'`) against the fast zap (`zap: 'sectors'`,
 * agent/hardware/generic/erase/zap.ts), measured in the same run (issue 12).
 *
 * Each round partitions and formats both disks afresh, then times the step as
 * the agent runs it: erasable-device checks, the protected-storage guard on
 * every device, then the wipe. Needs root, loop devices, gdisk, util-linux,
 * psmisc, e2fsprogs and dosfstools.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createSystemClock } from '../common/clock.js';
import { ExecaRunner } from '../common/exec/execa-runner.js';
import { NodeFs } from '../common/fs/node-fs.js';
import { eraseDevicesMetadata } from '../agent/hardware/generic/erase/metadata.js';
import { NodeDiskReader } from '../agent/hardware/generic/erase/on-disk-tables.js';
import { createSafetyCheck } from '../agent/hardware/generic/erase/protected.js';
import type { ZapMethod } from '../agent/hardware/generic/erase/zap.js';
import type { BlockDevice } from '../agent/hardware/types.js';
import { createLogger } from '../agent/logger.js';
import { RecentLogTransport } from '../agent/recent-log.js';
import { attachLoopDisk, detachLoopDisk, type LoopDisk } from '../testbed/loop-disks.js';
import { summarize, type Summary } from './lib/stats.js';
import { formatMs, formatRatio, formatTable } from './lib/table.js';

/** Knobs of the benchmark. */
export interface EraseBenchOptions {
  /** Timed steps per method. */
  rounds: number;
}

/** Defaults of {@link EraseBenchOptions}. */
export const ERASE_BENCH_DEFAULTS: EraseBenchOptions = { rounds: 3 };

/** The target of issue 12 for the step. */
export const ERASE_TARGET_MS = 1500;

/** One method's timings. */
export interface EraseMethodResult extends Summary {
  /** Every round, milliseconds. */
  samples: number[];
}

/** What the benchmark measured. */
export interface EraseBenchReport {
  disks: number;
  partitionsPerDisk: number;
  /** IPA's sequence with `sgdisk -Z`. */
  baseline: EraseMethodResult;
  /** The fast zap. */
  fast: EraseMethodResult;
  /** fast median / baseline median. */
  ratio: number;
  targetMs: number;
  /** True when the fast median is under the target. */
  met: boolean;
  /** CPUs, and the 1-minute load average before and after (a shared machine skews the times). */
  cpus: number;
  loadBefore: number;
  loadAfter: number;
}

const DISKS = 2;
const PARTITIONS = 2;
const runner = new ExecaRunner();

/** Partition and format one disk: p1 ext4, p2 vfat, as a deployed node might leave it. */
async function prepare(disk: LoopDisk): Promise<BlockDevice> {
  await runner.run(['partx', '-d', disk.device], { okExitCodes: [0, 1] });
  await runner.run(['sgdisk', '-n1:2048:+100M', '-t1:8300', '-n2:0:+100M', '-t2:0700', disk.device]);
  await runner.run(['partx', '-a', disk.device]);
  const parts = [1, 2].map((n) => `${disk.device}p${n}`);
  await runner.run(['mkfs.ext4', '-q', '-F', '-E', 'nodiscard', parts[0] as string]);
  await runner.run(['mkfs.vfat', parts[1] as string]);
  return blockDevice(disk.device, parts);
}

function blockDevice(name: string, partitions: readonly string[]): BlockDevice {
  const base: BlockDevice = {
    name,
    model: null,
    size: 1024 ** 3,
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
  };
  return { ...base, partitions: partitions.map((part) => ({ ...base, name: part, type: 'part' })) };
}

/** Milliseconds of one erase_devices_metadata over `devices` with `zap`. */
async function timeStep(devices: BlockDevice[], zap: ZapMethod): Promise<number> {
  const logger = createLogger({ transports: [new RecentLogTransport({ maxEntries: 100, maxChars: 1024 * 1024 })] });
  const guard = createSafetyCheck({ runner, logger, enabled: true, disk: new NodeDiskReader() });
  const options = { runner, logger, fs: new NodeFs(), clock: createSystemClock(), guard, devices, zap };
  const start = performance.now();
  await eraseDevicesMetadata({ ...options, node: { uuid: 'bench-erase-metadata' } });
  return performance.now() - start;
}

/**
 * Run the benchmark: `rounds` steps per method, alternating which goes first.
 * @throws Error when not root, when no loop device is free, or when a step fails
 */
export async function runEraseBench(
  options: EraseBenchOptions,
  progress: (line: string) => void,
): Promise<EraseBenchReport> {
  if (process.getuid?.() !== 0) throw new Error('the erase-metadata benchmark needs root (loop devices)');
  const loadBefore = loadavg()[0] ?? 0;
  const dir = await mkdtemp(join(tmpdir(), 'bench-erase-'));
  const disks: LoopDisk[] = [];
  const samples: Record<ZapMethod, number[]> = { sgdisk: [], sectors: [] };
  try {
    for (let i = 0; i < DISKS; i += 1) disks.push(await attachLoopDisk(runner, dir, i, 1));
    for (let round = 0; round < options.rounds; round += 1) {
      const order: ZapMethod[] = round % 2 === 0 ? ['sgdisk', 'sectors'] : ['sectors', 'sgdisk'];
      for (const zap of order) {
        const devices: BlockDevice[] = [];
        for (const disk of disks) devices.push(await prepare(disk));
        const ms = await timeStep(devices, zap);
        samples[zap].push(ms);
        progress(`round ${round + 1}/${options.rounds} ${zap}: ${formatMs(ms)}`);
      }
    }
  } finally {
    for (const disk of disks) await detachLoopDisk(runner, disk).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
  const baseline = { ...summarize(samples.sgdisk), samples: samples.sgdisk };
  const fast = { ...summarize(samples.sectors), samples: samples.sectors };
  const met = fast.median < ERASE_TARGET_MS;
  const ratio = fast.median / baseline.median;
  const machine = { cpus: cpus().length, loadBefore, loadAfter: loadavg()[0] ?? 0 };
  return {
    disks: DISKS,
    partitionsPerDisk: PARTITIONS,
    baseline,
    fast,
    ratio,
    targetMs: ERASE_TARGET_MS,
    met,
    ...machine,
  };
}

/** The report as a table plus the verdict. */
export function renderEraseReport(report: EraseBenchReport): string {
  const cell = (r: EraseMethodResult): string => `${formatMs(r.median)} (${formatMs(r.min)}..${formatMs(r.max)})`;
  const table = formatTable(
    ['erase_devices_metadata', 'median (min..max)', 'ratio'],
    [
      ['baseline: wipefs, dd, dd, sgdisk -Z', cell(report.baseline), '1.00x'],
      ['fast zap: wipefs, dd, dd, dd, blockdev --rereadpt', cell(report.fast), formatRatio(report.ratio)],
    ],
    ['left', 'right', 'right'],
  );
  const devices = report.disks * (report.partitionsPerDisk + 1);
  const verdict = report.met ? 'met' : 'NOT met';
  return [
    `${report.disks} loop disks with ${report.partitionsPerDisk} partitions each (${devices} devices), ${report.fast.count} rounds per method;`,
    `${report.cpus} CPUs, load average ${report.loadBefore.toFixed(2)} before / ${report.loadAfter.toFixed(2)} after:`,
    table,
    `target: the step under ${formatMs(report.targetMs)}: ${verdict} (fast median ${formatMs(report.fast.median)})`,
  ].join('\n');
}
