/**
 * Pure parsers for the two sources of per-device identity besides lsblk: the
 * udev database (`/run/udev/data/b<major>:<minor>`) and `blkid -p -o export`.
 */

/** What is known about one block device from udev or blkid. */
export interface DeviceFacts {
  /** Where the facts came from. */
  source: 'udev' | 'blkid' | 'none';
  /** udev `E:` properties (ID_SERIAL, ID_WWN, ID_FS_LABEL, ...), or blkid keys mapped to udev names. */
  properties: Record<string, string>;
  /** udev `S:` symlinks relative to /dev (`disk/by-path/pci-...`). Empty for blkid. */
  symlinks: string[];
}

/**
 * Parse a udev database file: `E:KEY=value` lines are properties, `S:path`
 * lines are /dev symlinks; other records (`I:`, `G:`, `Q:`, `V:`) are ignored.
 */
export function parseUdevDb(text: string): DeviceFacts {
  const facts: DeviceFacts = { source: 'udev', properties: {}, symlinks: [] };
  for (const line of text.split('\n')) {
    if (line.startsWith('E:')) {
      const eq = line.indexOf('=');
      if (eq > 2) facts.properties[line.slice(2, eq)] = line.slice(eq + 1);
    } else if (line.startsWith('S:') && line.length > 2) {
      facts.symlinks.push(line.slice(2));
    }
  }
  return facts;
}

/** blkid export keys and the udev property names they correspond to. */
const BLKID_TO_UDEV: Readonly<Record<string, string>> = {
  LABEL: 'ID_FS_LABEL',
  TYPE: 'ID_FS_TYPE',
  UUID: 'ID_FS_UUID',
  PTTYPE: 'ID_PART_TABLE_TYPE',
  PTUUID: 'ID_PART_TABLE_UUID',
};

/**
 * Parse `blkid -p -o export` output (`KEY=value` lines) into udev-style
 * properties, so callers read one vocabulary. Unknown keys are kept as given.
 */
export function parseBlkidExport(text: string): DeviceFacts {
  const facts: DeviceFacts = { source: 'blkid', properties: {}, symlinks: [] };
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim();
    facts.properties[BLKID_TO_UDEV[key] ?? key] = line.slice(eq + 1).trim();
  }
  return facts;
}

/**
 * A udev identity property, IPA style: `ID_<key>`, else the device-mapper
 * `DM_<key>`; empty values count as missing.
 */
export function udevValue(facts: DeviceFacts, key: string): string | null {
  for (const name of [`ID_${key}`, `DM_${key}`]) {
    const value = facts.properties[name];
    if (value !== undefined && value.trim() !== '') return value.trim();
  }
  return null;
}
