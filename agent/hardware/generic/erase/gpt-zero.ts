/**
 * Pure arithmetic for zeroing the primary and backup GPT of a device
 * (port of the dd part of IPA disk_utils.destroy_disk_metadata).
 */

/** Size of the GPT partition entry array the UEFI spec reserves (128 entries × 128 B). */
const GPT_ENTRY_ARRAY_BYTES = 16 * 1024;

/** The dd writes that clear both GPT copies. */
export interface GptZeroPlan {
  /** Logical sector size, used as dd's block size. */
  sectorSize: number;
  /** Sectors one GPT copy occupies: header + entry array (33 for 512 B, 5 for 4 KiB). */
  gptSectors: number;
  /** Sectors zeroed at the start (fewer on tiny devices such as an extended-partition stub). */
  primaryCount: number;
  /** First sector of the backup GPT, or null when the device is too small to have one. */
  backupSeek: number | null;
}

/**
 * Sectors one GPT copy occupies for a logical sector size: the header sector
 * plus the 16 KiB entry array. Gives IPA's 33 (512 B) and 5 (4 KiB); other
 * sizes, which IPA cannot handle, get the same rule.
 * @throws RangeError for a sector size that is not a positive multiple of 512
 */
export function gptSectors(sectorSize: number): number {
  if (!Number.isInteger(sectorSize) || sectorSize <= 0 || sectorSize % 512 !== 0) {
    throw new RangeError(`Unsupported logical sector size ${sectorSize}: expected a positive multiple of 512 bytes`);
  }
  return 1 + Math.ceil(GPT_ENTRY_ARRAY_BYTES / sectorSize);
}

/**
 * What to zero on a device of `sizeBytes` with `sectorSize` logical sectors.
 * @throws RangeError for an invalid size or sector size
 */
export function planGptZero(sizeBytes: number, sectorSize: number): GptZeroPlan {
  const sectors = gptSectors(sectorSize);
  if (!Number.isSafeInteger(sizeBytes) || sizeBytes < 0) throw new RangeError(`Invalid device size ${sizeBytes}`);
  const totalSectors = Math.floor(sizeBytes / sectorSize);
  const tiny = sizeBytes < sectors * sectorSize;
  return {
    sectorSize,
    gptSectors: sectors,
    primaryCount: tiny ? totalSectors : sectors,
    backupSeek: sizeBytes > sectors * sectorSize ? totalSectors - sectors : null,
  };
}

/** The dd argv lists for a plan, in IPA's argument order (primary first). */
export function gptZeroCommands(device: string, plan: GptZeroPlan): string[][] {
  const common = [`bs=${plan.sectorSize}`, 'if=/dev/zero', `of=${device}`];
  const commands = [['dd', ...common, `count=${plan.primaryCount}`, 'oflag=direct']];
  if (plan.backupSeek !== null) {
    commands.push(['dd', ...common, `count=${plan.gptSectors}`, 'oflag=direct', `seek=${plan.backupSeek}`]);
  }
  return commands;
}
