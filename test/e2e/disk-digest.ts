/**
 * Content digests of sparse loop disks, cheap enough to take before and after
 * every deploy of a 5 + 8 + 12 GiB node, and a report of what changed.
 *
 * Choice: digest the disk's CONTENTS, read from the backing image file: only
 * its allocated ranges (lseek SEEK_DATA/SEEK_HOLE; holes read as zeros) are
 * read, and only runs of non-zero 4 KiB blocks count, each as offset, length
 * and sha256 (disk-digest.py). Equal digests mean equal disk contents: any
 * write that changes a byte, a wipe, or a discard of data changes the digest;
 * writing zeros where the disk already read zeros does not.
 *
 * Why not the allocated ranges themselves (as an earlier version did): after
 * mkfs.ext4 the image holds UNWRITTEN extents (mke2fs zeroes ranges with
 * BLKZEROOUT, which the loop driver turns into fallocate ZERO_RANGE on the
 * image), and SEEK_DATA reports such a range as data once any READ of the disk
 * has put it in the page cache. The ranges then depend on who read the disk,
 * not on what it holds: a deploy that only probed a disk changed its digest.
 *
 * Node has no SEEK_DATA, so the walk runs in the system python3 (present
 * wherever the Ironic test bed runs). Dirty pages of the loop device and of its
 * partitions (each has a page cache of its own) are flushed into the image first
 * (`blockdev --flushbufs`), so the file is current.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ExecaRunner } from '../../common/exec/execa-runner.js';
import type { Runner } from '../../common/exec/runner.js';
import { partitionsOf, type LoopDisk } from '../../testbed/loop-disks.js';

const WALK = fileURLToPath(new URL('./disk-digest.py', import.meta.url));

/** A run of non-zero 4 KiB blocks. */
export interface ContentRun {
  offset: number;
  length: number;
  sha256: string;
}

/** Digest of one disk. */
export interface DiskDigest {
  device: string;
  /** sha256 over the size and every run of non-zero blocks (offset, length, sha256). */
  sha256: string;
  /** Bytes allocated in the image when it was read (what was read; depends on the page cache too). */
  allocated: number;
  /** The runs of non-zero blocks, in order. */
  runs: ContentRun[];
}

/** Parse disk-digest.py's output (pure). */
export function parseDigest(device: string, stdout: string): DiskDigest {
  const runs: ContentRun[] = [];
  let total: { sha256: string; allocated: number } | undefined;
  for (const line of stdout.trim().split('\n')) {
    const run = /^run (\d+) (\d+) ([0-9a-f]{64})$/.exec(line);
    const digest = /^digest ([0-9a-f]{64}) (\d+)$/.exec(line);
    if (run !== null) runs.push({ offset: Number(run[1]), length: Number(run[2]), sha256: run[3]! });
    else if (digest !== null) total = { sha256: digest[1]!, allocated: Number(digest[2]) };
    else throw new Error(`Unexpected line from the content walk of ${device}: ${line}`);
  }
  if (total === undefined) throw new Error(`The content walk of ${device} printed no digest: ${stdout.slice(-200)}`);
  return { device, ...total, runs };
}

/**
 * Digest of a loop disk's contents (see the file comment for the method).
 * @throws Error when the device cannot be flushed or the image cannot be read
 */
export async function diskDigest(disk: LoopDisk, runner: Runner = new ExecaRunner()): Promise<DiskDigest> {
  // A partition has a page cache of its own: flush those too, or a write through /dev/loopNpM could still sit there.
  for (const span of partitionSpans(disk.device))
    await runner.run(['blockdev', '--flushbufs', `/dev/${span.name}`], { okExitCodes: [0, 1] });
  await runner.run(['blockdev', '--flushbufs', disk.device]);
  const { stdout } = await runner.run(['python3', WALK, disk.image]);
  return parseDigest(disk.device, stdout);
}

/** Digests of several disks, keyed by device path. */
export async function diskDigests(disks: readonly LoopDisk[]): Promise<Record<string, DiskDigest>> {
  const entries: [string, DiskDigest][] = [];
  for (const disk of disks) entries.push([disk.device, await diskDigest(disk)]);
  return Object.fromEntries(entries);
}

/** A partition's place on its disk, in bytes. */
export interface PartitionSpan {
  name: string;
  start: number;
  size: number;
}

/** The kernel's partitions of a disk (sysfs start and size, in 512-byte units). */
export function partitionSpans(device: string): PartitionSpan[] {
  const disk = basename(device);
  return partitionsOf(disk).map((name) => {
    const read = (what: string): number =>
      Number(readFileSync(`/sys/class/block/${disk}/${name}/${what}`, 'utf8').trim()) * 512;
    return { name, start: read('start'), size: read('size') };
  });
}

/** "offset 17 MiB (loop0p1 + 16 MiB)": where a byte offset lies (pure). */
export function placeOf(offset: number, spans: readonly PartitionSpan[]): string {
  const mib = (bytes: number): string => `${+(bytes / 2 ** 20).toFixed(3)} MiB`;
  const span = spans.find((s) => offset >= s.start && offset < s.start + s.size);
  return `offset ${mib(offset)}${span === undefined ? '' : ` (${span.name} + ${mib(offset - span.start)})`}`;
}

/**
 * What changed between two digests of one disk, a line per run that is gone,
 * new or different; empty when the contents are equal (pure).
 */
export function contentChanges(before: DiskDigest, after: DiskDigest, spans: readonly PartitionSpan[] = []): string[] {
  if (before.sha256 === after.sha256) return [];
  const key = (run: ContentRun): string => `${run.offset} ${run.length} ${run.sha256}`;
  const kept = new Set(after.runs.map(key));
  const had = new Set(before.runs.map(key));
  const describe = (what: string, run: ContentRun): string =>
    `${what} ${run.length} bytes at ${placeOf(run.offset, spans)}`;
  const lines = [
    ...before.runs.filter((run) => !kept.has(key(run))).map((run) => describe('was', run)),
    ...after.runs.filter((run) => !had.has(key(run))).map((run) => describe('now', run)),
  ];
  return lines.length > 0 ? lines : ['the size changed'];
}

/**
 * A report of every disk (but `except`) whose contents changed: empty when none
 * did, else a line per disk and per changed run (at most 20 per disk).
 */
export function changedDisks(
  before: Record<string, DiskDigest>,
  after: Record<string, DiskDigest>,
  except: readonly string[] = [],
): string {
  const lines: string[] = [];
  for (const [device, was] of Object.entries(before)) {
    if (except.includes(device)) continue;
    const now = after[device];
    if (now === undefined) {
      lines.push(`${device}: not digested after`);
      continue;
    }
    const changes = contentChanges(was, now, partitionSpans(device));
    if (changes.length === 0) continue;
    lines.push(`${device} changed:`, ...changes.slice(0, 20).map((line) => `  ${line}`));
    if (changes.length > 20) lines.push(`  … and ${changes.length - 20} more`);
  }
  return lines.join('\n');
}
