/**
 * The last part of IPA disk_utils.destroy_disk_metadata, `sgdisk -Z <dev>`,
 * without sgdisk's one-second sleep (issue 12).
 *
 * What `sgdisk -Z` does once IPA's wipefs and two dd writes have run (GPT fdisk
 * gpt.cc GPTData::DestroyGPT and DestroyMBR, diskio-unix.cc DiskIO::DiskSync;
 * checked with strace on gdisk 1.0.9): the device then holds neither a GPT nor
 * an MBR, so sgdisk zeroes the default places: the header (LBA 1), the 16 KiB
 * entry array from LBA 2, the backup entry array and the backup header at the
 * end, then sync(), sleep(1), fsync(), ioctl(BLKRRPART) (a failure there is only
 * a warning) and the MBR (LBA 0). IPA's dd already zeroed LBA 0 up to
 * `gptSectors - 1` and the last `gptSectors` sectors, so the only sector sgdisk
 * adds is LBA `gptSectors`, the last sector of the primary entry array (33 for
 * 512 B sectors, 5 for 4 KiB). The fast zap writes that sector, flushes
 * (`conv=fsync`, sgdisk's fsync) and asks the kernel to re-read the table
 * (`blockdev --rereadpt`, sgdisk's BLKRRPART, failure tolerated likewise).
 *
 * sgdisk refuses (exit 2, "Disk is too small to hold GPT data") a device of
 * fewer than `2 × (gptSectors + 1)` sectors after zeroing part of it; such
 * devices (an extended-partition stub, say) and sector sizes other than 512 B
 * and 4 KiB still get the real `sgdisk -Z`, so their result and error are sgdisk's own.
 */
import { gptSectors } from './gpt-zero.js';

/** `sectors`: the fast zap where it is known to equal sgdisk's; `sgdisk`: always `sgdisk -Z` (IPA's command). */
export type ZapMethod = 'sectors' | 'sgdisk';

/** One command of the zap. */
export interface ZapCommand {
  argv: string[];
  /** Exit codes that are not failures (default: only 0). */
  okExitCodes?: readonly number[];
}

/** Sector sizes whose sgdisk writes were checked against the fast zap on real disks. */
const CHECKED_SECTOR_SIZES: readonly number[] = [512, 4096];

/**
 * True when the fast zap leaves what `sgdisk -Z` leaves on a device of
 * `sizeBytes` with `sectorSize` logical sectors (see the file comment).
 * @throws RangeError for an invalid sector size
 */
export function fastZapApplies(sizeBytes: number, sectorSize: number): boolean {
  const copy = gptSectors(sectorSize);
  return CHECKED_SECTOR_SIZES.includes(sectorSize) && Math.floor(sizeBytes / sectorSize) >= 2 * (copy + 1);
}

/**
 * The commands that finish destroy_disk_metadata after IPA's two dd writes.
 * @throws RangeError for an invalid sector size
 */
export function zapCommands(device: string, sizeBytes: number, sectorSize: number, method: ZapMethod): ZapCommand[] {
  if (method === 'sgdisk' || !fastZapApplies(sizeBytes, sectorSize)) return [{ argv: ['sgdisk', '-Z', device] }];
  const seek = gptSectors(sectorSize);
  return [
    {
      argv: [
        'dd',
        `bs=${sectorSize}`,
        'if=/dev/zero',
        `of=${device}`,
        'count=1',
        'oflag=direct',
        'conv=fsync',
        `seek=${seek}`,
      ],
    },
    // blockdev exits 1 when BLKRRPART fails (a partition, a busy or unpartitionable disk): sgdisk only warns then.
    { argv: ['blockdev', '--rereadpt', device], okExitCodes: [0, 1] },
  ];
}
