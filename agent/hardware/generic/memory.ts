/**
 * `inventory.memory`: `total` bytes from /proc/meminfo and `physical_mb` (MiB,
 * IPA's "MB") from the first source that knows: lshw memory banks (IPA's
 * source), `dmidecode -t memory`, or the total rounded up to whole GiB. Pure.
 */

const MIB = 1024 * 1024;

/** `MemTotal` of /proc/meminfo in bytes, or null. */
export function memTotalFromMeminfo(text: string): number | null {
  const match = /^MemTotal:\s+(\d+)\s*kB/m.exec(text);
  return match?.[1] === undefined ? null : Number.parseInt(match[1], 10) * 1024;
}

interface LshwNode {
  id?: string;
  class?: string;
  size?: number;
  units?: string;
  children?: LshwNode[];
}

/**
 * Sum of the memory sizes lshw reports under `core` (a `memory`/`memory:N`
 * node's own size, else the sum of its banks), in MiB; null when none.
 * Port of IPA hardware._calc_memory.
 */
export function physicalMbFromLshw(lshw: unknown): number | null {
  const root = (Array.isArray(lshw) ? lshw[0] : lshw) as LshwNode | undefined;
  const core = root?.children?.find((c) => c.id === 'core');
  let total = 0;
  for (const node of core?.children ?? []) {
    if (!/^memory(:\d+)?$/.test(node.id ?? '')) continue;
    if (node.size !== undefined && node.size > 0) total += toMib(node);
    else for (const bank of node.children ?? []) if (bank.size !== undefined && bank.size > 0) total += toMib(bank);
  }
  return total > 0 ? total : null;
}

/** Sum of `Size:` of every "Memory Device" in `dmidecode -t memory` output, in MiB; null when none. */
export function physicalMbFromDmidecode(text: string): number | null {
  const units: Record<string, number> = { kB: 1 / 1024, KB: 1 / 1024, MB: 1, GB: 1024, TB: 1024 * 1024 };
  let total = 0;
  for (const section of text.split(/\n\s*\n/)) {
    if (!/^Memory Device\s*$/m.test(section)) continue;
    const match = /^\s*Size:\s*(\d+)\s*(kB|KB|MB|GB|TB)\s*$/m.exec(section);
    if (match?.[1] !== undefined && match[2] !== undefined)
      total += Number.parseInt(match[1], 10) * (units[match[2]] ?? 0);
  }
  return total > 0 ? Math.round(total) : null;
}

/** Estimate installed RAM from MemTotal: rounded up to a whole GiB, in MiB (the kernel keeps some RAM for itself). */
export function physicalMbFromTotal(totalBytes: number): number {
  return Math.ceil(totalBytes / (1024 * MIB)) * 1024;
}

function toMib(node: LshwNode): number {
  if (node.units !== undefined && node.units !== 'bytes') return 0;
  return Math.trunc((node.size ?? 0) / MIB);
}
