/**
 * `cpu` and `numa` facts: pure port of hardware-detect's get_cpus
 * (redhat-cip/hardware hardware/detect_utils.py) over `lscpu` and `lscpu -x`
 * output and a few sysfs attributes read by the caller.
 */
import { colonMap, toInt, type Fact } from './facts.js';

/** The sysfs values get_cpus reads. */
export interface CpuSysfs {
  /** /sys/devices/system/cpu/smt/control */
  smtControl: string | null;
  /** /sys/devices/system/cpu/cpufreq/boost (`1` = enabled) */
  boost: string | null;
  /** scaling_governor of each logical CPU (index = CPU number); null when unreadable. */
  governors: ReadonlyArray<string | null>;
}

type Conversion = 'int' | 'maybe-int' | 'float' | null;

/** hardware-detect's per-socket fields: fact key, lscpu key, conversion. */
const SOCKET_FIELDS: ReadonlyArray<readonly [string, string | null, Conversion]> = [
  ['vendor', 'Vendor ID', null],
  ['product', 'Model name', null],
  ['cores', 'Core(s) per socket', 'int'],
  ['threads', null, null],
  ['family', 'CPU family', 'int'],
  ['model', 'Model', 'maybe-int'],
  ['stepping', 'Stepping', 'maybe-int'],
  ['architecture', 'Architecture', null],
  ['l1d cache', 'L1d cache', null],
  ['l1i cache', 'L1i cache', null],
  ['l2 cache', 'L2 cache', null],
  ['l3 cache', 'L3 cache', null],
  ['min_Mhz', 'CPU min MHz', 'float'],
  ['max_Mhz', 'CPU max MHz', 'float'],
  ['current_Mhz', 'CPU MHz', 'float'],
  ['flags', 'Flags', null],
  ['threads_per_core', 'Thread(s) per core', 'int'],
];

/** Python int() / int(v, 16) / float() as hardware-detect applies them; null when it would fail. */
function convert(value: string, conversion: Conversion): string | number | null {
  if (conversion === null) return value;
  if (conversion === 'float') return /^-?\d+(\.\d+)?$/.test(value) ? Number.parseFloat(value) : null;
  if (conversion === 'maybe-int' && value.includes('x'))
    return /^0x[0-9a-f]+$/i.test(value) ? Number.parseInt(value, 16) : value;
  const int = toInt(value);
  return conversion === 'maybe-int' ? (int ?? value) : int;
}

/** Number of CPUs in an lscpu list such as `0-5,48-53` (12). */
export function countCpuList(list: string): number {
  let total = 0;
  for (const item of list.split(',').filter((i) => i.trim() !== '')) {
    const [low, high] = item.split('-').map((n) => Number.parseInt(n, 10));
    total += high === undefined || low === undefined ? 1 : high - low + 1;
  }
  return total;
}

/** Facts for each socket (`physical_<n>`), the logical CPUs and their governors. */
function cpuSection(lscpu: Map<string, string>, sysfs: CpuSysfs): Fact[] {
  const facts: Fact[] = [];
  const sockets = toInt(lscpu.get('Socket(s)'));
  if (sockets !== null) facts.push(['cpu', 'physical', 'number', sockets]);
  if (sysfs.smtControl !== null) facts.push(['cpu', 'physical', 'smt', sysfs.smtControl]);
  for (let socket = 0; socket < (sockets ?? 0); socket++) {
    const tag = `physical_${socket}`;
    if (sysfs.boost !== null) facts.push(['cpu', tag, 'boost', sysfs.boost === '1' ? 'enabled' : 'disabled']);
    for (const [key, lscpuKey, conversion] of SOCKET_FIELDS) {
      let value: string | number | null = null;
      if (lscpuKey !== null && lscpu.has(lscpuKey)) value = convert(lscpu.get(lscpuKey) ?? '', conversion);
      else if (key === 'threads')
        value = (toInt(lscpu.get('Thread(s) per core')) ?? 1) * (toInt(lscpu.get('Core(s) per socket')) ?? 1);
      if (value !== null) facts.push(['cpu', tag, key, value]);
    }
  }
  const logical = toInt(lscpu.get('CPU(s)'));
  if (logical === null) return facts;
  facts.push(['cpu', 'logical', 'number', logical]);
  for (let cpu = 0; cpu < logical; cpu++) {
    const governor = sysfs.governors[cpu];
    if (governor !== null && governor !== undefined) facts.push(['cpu', `logical_${cpu}`, 'governor', governor]);
  }
  return facts;
}

/** `numa nodes count`, then per node `cpu_count` (from the list) and `cpu_mask` (from `lscpu -x`). */
function numaSection(lscpu: Map<string, string>, lscpuX: Map<string, string>): Fact[] {
  const facts: Fact[] = [];
  const count = toInt(lscpu.get('NUMA node(s)'));
  if (count !== null) facts.push(['numa', 'nodes', 'count', count]);
  const nodes = [...lscpuX.keys()]
    .map((key) => ({ key, id: /^NUMA node(\d+) CPU\(s\)$/.exec(key)?.[1] }))
    .filter((n): n is { key: string; id: string } => n.id !== undefined)
    .sort((a, b) => Number(a.id) - Number(b.id));
  for (const { key, id } of nodes) {
    facts.push(['numa', `node_${id}`, 'cpu_count', countCpuList(lscpu.get(key) ?? '')]);
    facts.push(['numa', `node_${id}`, 'cpu_mask', lscpuX.get(key) ?? '']);
  }
  return facts;
}

/** All `cpu` and `numa` facts from `LC_ALL=C lscpu` and `LC_ALL=C lscpu -x` output. */
export function cpuFacts(lscpu: string, lscpuX: string, sysfs: CpuSysfs): Fact[] {
  const plain = colonMap(lscpu);
  return [...cpuSection(plain, sysfs), ...numaSection(plain, colonMap(lscpuX))];
}
