/**
 * Finding the EFI system partition of the installed disk and the loader to
 * boot from it.
 *
 * Works without udev (lsblk then shows no labels; `blkid -p` probes the
 * partition table directly) and without vfat support in the kernel: the ESP
 * is never mounted. Its `EFI/<vendor>/BOOT<ARCH>.CSV` (the shim's fallback
 * hint file: loader file name and label, UTF-16) is read with mtools when
 * mtools is installed. Otherwise the loader comes from the configured path,
 * or is derived from the host's os-release (`\EFI\fedora\shimx64.efi`,
 * `\EFI\redhat\...`), which matches the installed image for `--offline`
 * installs; with `--image-url` of another OS, configure the path.
 */
import { DeviceNotFound } from '../../../common/errors.js';
import type { Runner } from '../../../common/exec/runner.js';

/** GPT type GUID of an EFI system partition. */
export const ESP_TYPE_GUID = 'c12a7328-f81f-11d2-ba4b-00a0c93ec93b';

/** The ESP found on a disk. */
export interface EspPartition {
  /** Partition device (`/dev/sda2`). */
  device: string;
  /** Partition number (for `efibootmgr -p`). */
  number: number;
}

/** A boot loader to register. */
export interface UefiLoader {
  /** NVRAM entry label. */
  label: string;
  /** Loader path on the ESP, backslash-separated (`\EFI\fedora\shimx64.efi`). */
  path: string;
  /** Where it came from. */
  source: 'csv' | 'config' | 'os-release';
}

/** Parse `blkid -o export` / `KEY=VALUE` lines (pure). */
export function parseExport(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return out;
}

/**
 * Find the ESP on `disk`: PARTLABEL `EFI-SYSTEM` or the ESP type GUID.
 * @throws DeviceNotFound when there is none (not worth retrying)
 */
export async function findEsp(runner: Runner, disk: string): Promise<EspPartition> {
  const { stdout } = await runner.run(['lsblk', '--json', '--paths', '--output', 'NAME,TYPE,PARTLABEL,PARTTYPE', disk]);
  const tree = JSON.parse(stdout) as {
    blockdevices?: {
      children?: { name: string; type: string; partlabel?: string | null; parttype?: string | null }[];
    }[];
  };
  const parts = (tree.blockdevices?.[0]?.children ?? []).filter((p) => p.type === 'part');
  for (const part of parts) {
    let label = part.partlabel ?? null;
    let type = part.parttype ?? null;
    let number = Number(/(\d+)$/.exec(part.name)?.[1] ?? NaN);
    if (label === null || type === null) {
      const probe = await runner.run(['blkid', '-p', '-o', 'export', part.name], { okExitCodes: [0, 2] });
      const info = parseExport(probe.stdout);
      label = info['PART_ENTRY_NAME'] ?? label;
      type = info['PART_ENTRY_TYPE'] ?? type;
      if (info['PART_ENTRY_NUMBER'] !== undefined) number = Number(info['PART_ENTRY_NUMBER']);
    }
    if ((label === 'EFI-SYSTEM' || type?.toLowerCase() === ESP_TYPE_GUID) && Number.isInteger(number))
      return { device: part.name, number };
  }
  throw new DeviceNotFound(
    `No EFI system partition (PARTLABEL EFI-SYSTEM or type ${ESP_TYPE_GUID}) on ${disk}; was the install complete?`,
  );
}

/** Parse a shim `BOOT<ARCH>.CSV` (UTF-16 with BOM, or UTF-8): first line `file,label,options,description` (pure). */
export function parseBootCsv(bytes: Buffer): { file: string; label: string } | null {
  const text =
    bytes[0] === 0xff && bytes[1] === 0xfe
      ? bytes.subarray(2).toString('utf16le')
      : bytes.toString('utf8').replace(/^\uFEFF/, '');
  const line = text.split(/\r?\n/).find((l) => l.trim() !== '');
  const [file, label] = (line ?? '').split(',').map((f) => f.trim());
  return file !== undefined && file !== '' && label !== undefined && label !== '' ? { file, label } : null;
}

/** EFI architecture suffix (`x64`, `aa64`) for a Node `process.arch`. */
export function efiArch(arch: string): string {
  return arch === 'arm64' ? 'aa64' : arch === 'ia32' ? 'ia32' : 'x64';
}

/**
 * Read the loader hint from the ESP with mtools.
 * @returns null when mtools is missing or no CSV is found
 */
export async function readCsvLoader(runner: Runner, esp: string, arch: string): Promise<UefiLoader | null> {
  const env = { MTOOLS_SKIP_CHECK: '1' };
  const list = async (dir: string): Promise<string[]> =>
    (await runner.run(['mdir', '-b', '-i', esp, dir], { env })).stdout
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '');
  let vendors: string[];
  try {
    vendors = (await list('::/EFI')).filter((p) => p.endsWith('/') && !/\/BOOT\/$/i.test(p));
  } catch (error) {
    if ((error as { notFound?: boolean }).notFound === true) return null;
    throw error;
  }
  const csvName = `BOOT${efiArch(arch).toUpperCase()}.CSV`;
  for (const vendorDir of vendors) {
    const csv = (await list(vendorDir)).find((p) => p.toUpperCase().endsWith(`/${csvName}`));
    if (csv === undefined) continue;
    const { stdoutBuffer } = await runner.run(['mcopy', '-n', '-i', esp, csv, '-'], { env, binary: true });
    const hint = parseBootCsv(stdoutBuffer ?? Buffer.alloc(0));
    const vendor = vendorDir.replace(/^::\/EFI\//, '').replace(/\/$/, '');
    if (hint !== null) return { label: hint.label, path: `\\EFI\\${vendor}\\${hint.file}`, source: 'csv' };
  }
  return null;
}

/** Vendor directory and label of the OS in an os-release text (pure); Fedora CoreOS when unknown. */
export function loaderFromOsRelease(osRelease: string | null, arch: string): UefiLoader {
  const id = /^ID="?([^"\n]*)"?$/m.exec(osRelease ?? '')?.[1] ?? '';
  const [vendor, label] =
    id === 'rhcos' || id === 'rhel'
      ? ['redhat', 'Red Hat Enterprise Linux CoreOS']
      : id === 'scos' || id === 'centos'
        ? ['centos', 'CentOS Stream CoreOS']
        : ['fedora', 'Fedora CoreOS'];
  return { label, path: `\\EFI\\${vendor}\\shim${efiArch(arch)}.efi`, source: 'os-release' };
}
