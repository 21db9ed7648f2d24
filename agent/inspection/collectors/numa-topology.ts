/**
 * The `numa-topology` collector: port of IPA
 * numa_inspector.collect_numa_topology_info
 * (openstack/ironic-python-agent ironic_python_agent/numa_inspector.py).
 * Reads /sys/devices/system/node and /sys/class/net. As in IPA, any
 * malformed piece leaves the whole `numa_topology` out (with a warning).
 */
import { readdirOrEmpty, readTrimmed, type FsReader } from '../../../common/fs/fs-reader.js';
import type { CollectorContext, InspectionCollector, InspectionData } from './types.js';

/** IPA's `numa_topology` value. */
export interface NumaTopology {
  ram: Array<{ numa_node: number; size_kb: number }>;
  cpus: Array<{ cpu: number; numa_node: number; thread_siblings: number[] }>;
  nics: Array<{ name: string; numa_node: number }>;
}

/** A malformed NUMA attribute (IPA's IncompatibleNumaFormatError). */
export class NumaFormatError extends Error {
  override readonly name = 'NumaFormatError';
}

/** One hardware thread: the NUMA node and the `topology/core_id` of `cpu<thread>`. */
export interface NumaThread {
  numaNode: number;
  thread: number;
  coreId: number;
}

const UNIT_KB: Readonly<Record<string, number>> = { kB: 1, KB: 1, MB: 1024, GB: 1048576 };

/** `node3` → 3. */
export function numaNodeId(dirName: string): number {
  const id = dirName.slice(4);
  if (!/^\d+$/.test(id)) throw new NumaFormatError(`Failed to get NUMA node id for ${dirName}`);
  return Number.parseInt(id, 10);
}

/** `Node 0 MemTotal:  1560000 kB` (node<N>/meminfo) → kB; IPA's pint units kB, KB, MB (1024 KB), GB. */
export function memTotalKb(meminfo: string, node: string): number {
  const line = meminfo.split('\n').find((l) => l.includes('MemTotal'));
  if (line === undefined) throw new NumaFormatError(`Memory information is not available for ${node}`);
  const match = /:\s*(\d+)\s*(\S*)\s*$/.exec(line);
  const factor = match === null ? undefined : match[2] === '' ? 1 : UNIT_KB[match[2] ?? ''];
  if (match?.[1] === undefined || factor === undefined)
    throw new NumaFormatError(`Failed to get memory information for ${node}: ${line.trim()}`);
  return Number.parseInt(match[1], 10) * factor;
}

/** Group threads by (NUMA node, core id) into IPA's `cpus` entries, in node then thread order. */
export function groupThreads(threads: readonly NumaThread[]): NumaTopology['cpus'] {
  const cpus = new Map<string, NumaTopology['cpus'][number]>();
  const sorted = [...threads].sort((a, b) => a.numaNode - b.numaNode || a.thread - b.thread);
  for (const { numaNode, thread, coreId } of sorted) {
    const key = `${numaNode}:${coreId}`;
    const cpu = cpus.get(key);
    if (cpu === undefined) cpus.set(key, { cpu: coreId, numa_node: numaNode, thread_siblings: [thread] });
    else if (!cpu.thread_siblings.includes(thread)) cpu.thread_siblings.push(thread);
  }
  return [...cpus.values()];
}

/** Read the topology under `sys`; null when there is no NUMA directory. @throws NumaFormatError */
export async function readNumaTopology(fs: FsReader, sys: string): Promise<NumaTopology | null> {
  const nodeRoot = `${sys}/devices/system/node`;
  if (!(await fs.exists(nodeRoot))) return null;
  const nodes = (await readdirOrEmpty(fs, nodeRoot))
    .filter((n) => /^node/.test(n))
    .sort((a, b) => numaNodeId(a) - numaNodeId(b));
  const ram: NumaTopology['ram'] = [];
  const threads: NumaThread[] = [];
  for (const node of nodes) {
    const id = numaNodeId(node);
    const meminfo = await readTrimmed(fs, `${nodeRoot}/${node}/meminfo`);
    if (meminfo === null) throw new NumaFormatError(`Failed to get memory information for ${node}`);
    ram.push({ numa_node: id, size_kb: memTotalKb(meminfo, node) });
    for (const entry of (await readdirOrEmpty(fs, `${nodeRoot}/${node}`)).filter((e) => /^cpu\d+$/.test(e))) {
      const coreId = await readTrimmed(fs, `${nodeRoot}/${node}/${entry}/topology/core_id`);
      if (coreId === null || !/^-?\d+$/.test(coreId))
        throw new NumaFormatError(`Failed to gather cpu_id for thread ${entry} NUMA node ${node}`);
      threads.push({ numaNode: id, thread: Number.parseInt(entry.slice(3), 10), coreId: Number.parseInt(coreId, 10) });
    }
  }
  return { ram, cpus: groupThreads(threads), nics: await readNics(fs, `${sys}/class/net`) };
}

/** NICs whose device has a `numa_node` attribute (virtual NICs have none). */
async function readNics(fs: FsReader, netRoot: string): Promise<NumaTopology['nics']> {
  if (!(await fs.exists(netRoot)))
    throw new NumaFormatError(`Failed to get list of NIC's, NIC device path does not exist: ${netRoot}`);
  const nics: NumaTopology['nics'] = [];
  for (const name of (await readdirOrEmpty(fs, netRoot)).sort()) {
    const path = `${netRoot}/${name}/device/numa_node`;
    if (!(await fs.exists(path))) continue;
    const value = await readTrimmed(fs, path);
    if (value === null || !/^-?\d+$/.test(value))
      throw new NumaFormatError(`Failed to gather NIC's for NUMA node ${name}`);
    nics.push({ name, numa_node: Number.parseInt(value, 10) });
  }
  return nics;
}

/** IPA's `numa-topology` collector. */
export const numaTopologyCollector: InspectionCollector = {
  name: 'numa-topology',
  async collect(data: InspectionData, context: CollectorContext): Promise<void> {
    try {
      const topology = await readNumaTopology(context.fs, context.paths.sys);
      if (topology === null)
        context.logger.warn('No NUMA node directory; numa_topology left out', {
          path: `${context.paths.sys}/devices/system/node`,
        });
      else data['numa_topology'] = topology;
    } catch (error) {
      if (!(error instanceof NumaFormatError)) throw error;
      context.logger.warn('Failed to get some NUMA information; numa_topology left out', { error: error.message });
    }
  },
};
