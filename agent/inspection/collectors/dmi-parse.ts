/**
 * Pure port of IPA dmi_inspector.parse_dmi
 * (openstack/ironic-python-agent ironic_python_agent/dmi_inspector.py):
 * `dmidecode -t bios -t processor -t memory` text → `{bios, cpu, memory}`.
 */

/** One DMI structure: `Key: value`, `Key:` followed by indented list lines, and `Handle`. */
export type DmiBlock = Record<string, string | string[] | number>;

/** IPA's `dmi` value. */
export interface DmiInfo {
  bios: DmiBlock;
  cpu: DmiBlock[];
  memory: DmiBlock & { devices?: DmiBlock[] };
}

const TYPE = { bios: 0, cpu: 4, memory: 16, devices: 17 } as const;

/** IPA's _parse_handle_block. */
export function parseHandleBlock(block: string): DmiBlock {
  const rows: DmiBlock = {};
  let listKey: string | null = null;
  for (const raw of block.split('\n')) {
    const line = raw.trim();
    const colon = line.indexOf(':');
    if (colon >= 0) {
      const key = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      rows[key] = value === '' ? [] : value;
      listKey = value === '' ? key : null;
    } else if (line.includes('Handle 0x')) {
      rows['Handle'] = line;
    } else if (listKey !== null) {
      (rows[listKey] as string[]).push(line);
    }
  }
  return rows;
}

/** The DMI type of a block starting `Handle 0x0018, DMI type 17, 27 bytes`; null when unreadable. */
export function dmiType(block: string): number | null {
  const field = block.split(',')[1]?.trim() ?? '';
  const value = field.slice('DMI type'.length).trim();
  return field.startsWith('DMI type') && /^\d+$/.test(value) ? Number.parseInt(value, 10) : null;
}

/**
 * Parse dmidecode output. The type 16 arrays merge into the first one with
 * `Number Of Devices` summed (and its Handle dropped); type 17 devices become
 * `memory.devices`.
 * @throws Error when a memory array has no `Number Of Devices` (IPA's KeyError)
 */
export function parseDmi(text: string): DmiInfo {
  const info: DmiInfo = { bios: {}, cpu: [], memory: { devices: [] } };
  const arrays: DmiBlock[] = [];
  const devices: DmiBlock[] = [];
  for (const block of text.split('\n\n')) {
    if (!block.startsWith('Handle 0x')) continue;
    const type = dmiType(block);
    if (type === TYPE.bios) info.bios = parseHandleBlock(block);
    else if (type === TYPE.cpu) info.cpu.push(parseHandleBlock(block));
    else if (type === TYPE.memory) arrays.push(parseHandleBlock(block));
    else if (type === TYPE.devices) devices.push(parseHandleBlock(block));
  }
  const [first] = arrays;
  if (first !== undefined) {
    let count = 0;
    for (const array of arrays) {
      const devicesText = array['Number Of Devices'];
      if (devicesText === undefined) throw new Error("memory array without 'Number Of Devices'");
      count += Number.parseInt(String(devicesText), 10);
    }
    delete first['Handle'];
    info.memory = { ...first, 'Number Of Devices': count };
  }
  if (devices.length > 0) info.memory.devices = devices;
  return info;
}
