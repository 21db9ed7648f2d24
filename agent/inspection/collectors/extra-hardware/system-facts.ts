/**
 * `system`/`firmware` facts that need no lshw: the SMBIOS strings the kernel
 * exports in /sys/class/dmi/id (the values lshw and dmidecode print), the
 * kernel (`system kernel` version, arch, cmdline, as hardware-detect's
 * system.detect in redhat-cip/hardware hardware/system.py) and the host's
 * os-release (`system os`, where hardware-detect runs lsb_release).
 */
import { readTrimmed, type FsReader } from '../../../../common/fs/fs-reader.js';
import type { Fact } from './facts.js';

/** DMI attribute → fact, in hardware-detect's categories. */
const DMI_FACTS: ReadonlyArray<readonly [file: string, category: string, item: string, key: string]> = [
  ['product_serial', 'system', 'product', 'serial'],
  ['product_name', 'system', 'product', 'name'],
  ['sys_vendor', 'system', 'product', 'vendor'],
  ['product_version', 'system', 'product', 'version'],
  ['product_uuid', 'system', 'product', 'uuid'],
  ['board_name', 'system', 'motherboard', 'name'],
  ['board_vendor', 'system', 'motherboard', 'vendor'],
  ['board_version', 'system', 'motherboard', 'version'],
  ['board_serial', 'system', 'motherboard', 'serial'],
  ['bios_version', 'firmware', 'bios', 'version'],
  ['bios_date', 'firmware', 'bios', 'date'],
  ['bios_vendor', 'firmware', 'bios', 'vendor'],
];

/** Facts from /sys/class/dmi/id (missing or empty attributes are left out). */
export async function dmiSysfsFacts(fs: FsReader, sys: string): Promise<Fact[]> {
  const facts: Fact[] = [];
  for (const [file, category, item, key] of DMI_FACTS) {
    const value = await readTrimmed(fs, `${sys}/class/dmi/id/${file}`);
    if (value !== null) facts.push([category, item, key, value]);
  }
  return facts;
}

/** `NAME` and `PRETTY_NAME` of an os-release file (quotes removed). */
export function parseOsRelease(text: string): { name: string | null; prettyName: string | null } {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (match?.[1] !== undefined && match[2] !== undefined)
      values.set(match[1], match[2].replace(/^(["'])(.*)\1$/, '$2'));
  }
  return { name: values.get('NAME') ?? null, prettyName: values.get('PRETTY_NAME') ?? null };
}

/** What {@link kernelFacts} reports. */
export interface KernelInfo {
  release: string;
  machine: string;
  /** The kernel command line, or null when unreadable. */
  cmdline: string | null;
  /** The host's os-release text, or null. */
  osRelease: string | null;
}

/** `system os` vendor/version and `system kernel` version/arch/cmdline. */
export function kernelFacts(info: KernelInfo): Fact[] {
  const facts: Fact[] = [];
  const os = info.osRelease === null ? null : parseOsRelease(info.osRelease);
  if (os?.name != null) facts.push(['system', 'os', 'vendor', os.name]);
  if (os?.prettyName != null) facts.push(['system', 'os', 'version', os.prettyName]);
  facts.push(['system', 'kernel', 'version', info.release], ['system', 'kernel', 'arch', info.machine]);
  if (info.cmdline !== null) facts.push(['system', 'kernel', 'cmdline', info.cmdline]);
  return facts;
}
