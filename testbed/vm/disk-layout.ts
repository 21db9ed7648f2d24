/**
 * The partition layout of the CoreOS-like image (pure): GPT with an EFI
 * system partition, an ext4 `boot` and an ext4 `root`, labelled as Fedora
 * CoreOS labels them (coreos/coreos-assembler src/create_disk.sh: EFI-SYSTEM,
 * boot, root; FCOS's BIOS-BOOT partition is left out: the VMs boot UEFI only).
 */

const MIB = 1024 * 1024;
const SECTOR = 512;

/** One partition. */
export interface Partition {
  /** GPT partition number. */
  number: number;
  /** Partition name (PARTLABEL). */
  name: string;
  /** sgdisk type code. */
  type: 'EF00' | '8300';
  /** Offset in bytes (1 MiB aligned). */
  offset: number;
  /** Size in bytes. */
  size: number;
}

/** The image's partitions and total size. */
export interface DiskLayout {
  partitions: [esp: Partition, boot: Partition, root: Partition];
  /** Image size in bytes: the partitions plus 1 MiB on each side for the GPT. */
  size: number;
}

/** Sizes in MiB. */
export interface LayoutSizes {
  espMiB: number;
  bootMiB: number;
  rootMiB: number;
}

/** Lays the three partitions out back to back from 1 MiB. */
export function diskLayout(s: LayoutSizes): DiskLayout {
  for (const [name, mib] of Object.entries(s))
    if (!Number.isInteger(mib) || mib < 1)
      throw new Error(`${name} must be a positive whole number of MiB, got ${mib}`);
  const esp: Partition = { number: 1, name: 'EFI-SYSTEM', type: 'EF00', offset: MIB, size: s.espMiB * MIB };
  const boot: Partition = {
    number: 2,
    name: 'boot',
    type: '8300',
    offset: esp.offset + esp.size,
    size: s.bootMiB * MIB,
  };
  const root: Partition = {
    number: 3,
    name: 'root',
    type: '8300',
    offset: boot.offset + boot.size,
    size: s.rootMiB * MIB,
  };
  return { partitions: [esp, boot, root], size: root.offset + root.size + MIB };
}

/** sgdisk's argv creating the layout on `image` (explicit sectors, so the offsets are known). */
export function sgdiskArgv(layout: DiskLayout, image: string): string[] {
  const argv = ['sgdisk', '--zap-all'];
  for (const p of layout.partitions) {
    const first = p.offset / SECTOR;
    const last = (p.offset + p.size) / SECTOR - 1;
    argv.push(
      `--new=${p.number}:${first}:${last}`,
      `--typecode=${p.number}:${p.type}`,
      `--change-name=${p.number}:${p.name}`,
    );
  }
  return [...argv, image];
}

/** dd's argv writing a filesystem image into the disk image at `p` (sparse, the disk is not truncated). */
export function ddArgv(fsImage: string, disk: string, p: Partition): string[] {
  return ['dd', `if=${fsImage}`, `of=${disk}`, 'bs=1M', `seek=${p.offset / MIB}`, 'conv=notrunc,sparse', 'status=none'];
}
