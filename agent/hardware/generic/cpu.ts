/**
 * `inventory.cpu` from `lscpu` output, with /proc/cpuinfo as the fallback.
 * Pure; inventory.ts runs lscpu and reads /proc/cpuinfo.
 *
 * Port of IPA GenericHardwareManager.get_cpus. One fix: IPA treats flags
 * containing `_` (sse4_1, ...) as malformed when it falls back to
 * /proc/cpuinfo and drops them all; here only upper-case letters and
 * punctuation other than `_` mark flags as malformed.
 */
import type { CpuInventory } from '../inventory.js';

/** `Key: value` lines → lower-cased key → trimmed value (first colon splits; lines without one are ignored). */
export function parseKeyValueText(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    if (key !== '' && !(key in out)) out[key] = line.slice(colon + 1).trim();
  }
  return out;
}

/** The per-processor blocks of /proc/cpuinfo (separated by blank lines). */
export function cpuinfoSections(text: string): Array<Record<string, string>> {
  return text
    .replace(/\t/g, '')
    .split(/\n\s*\n/)
    .filter((s) => s.trim() !== '')
    .map(parseKeyValueText);
}

/**
 * Build the CPU inventory from `LC_ALL=C lscpu` output; flags (and the
 * frequency, which lscpu omits in some VMs) come from /proc/cpuinfo (first
 * processor) when lscpu shows none.
 */
export function cpuFromLscpu(lscpu: string, cpuinfo: string | null): CpuInventory {
  const info = parseKeyValueText(lscpu);
  let flags = info['flags'] ?? '';
  if (flags === '' && cpuinfo !== null) {
    const first = cpuinfoSections(cpuinfo)[0] ?? {};
    const candidate = first['flags'] ?? first['features'] ?? '';
    flags = /[A-Z!@#$%^&*()+{}|:"<>?]/.test(candidate) ? '' : candidate;
  }
  return {
    model_name: info['model name'] ?? '',
    frequency:
      info['cpu max mhz'] ??
      info['cpu mhz'] ??
      (cpuinfo === null ? '' : (cpuinfoSections(cpuinfo)[0]?.['cpu mhz'] ?? '')),
    count: toInt(info['cpu(s)']),
    architecture: info['architecture'] ?? '',
    flags: splitFlags(flags),
    socket_count: toInt(info['socket(s)']),
  };
}

/** Build the CPU inventory from /proc/cpuinfo alone (lscpu missing or failing). */
export function cpuFromCpuinfo(cpuinfo: string, architecture: string): CpuInventory {
  const sections = cpuinfoSections(cpuinfo).filter((s) => 'processor' in s);
  const first = sections[0] ?? {};
  const sockets = new Set(sections.map((s) => s['physical id']).filter((id): id is string => id !== undefined));
  return {
    model_name: first['model name'] ?? '',
    frequency: first['cpu mhz'] ?? '',
    count: sections.length,
    architecture,
    flags: splitFlags(first['flags'] ?? first['features'] ?? ''),
    socket_count: sockets.size,
  };
}

function splitFlags(flags: string): string[] {
  return flags.split(/\s+/).filter((f) => f !== '');
}

function toInt(value: string | undefined): number {
  return value !== undefined && /^\d+$/.test(value) ? Number.parseInt(value, 10) : 0;
}
