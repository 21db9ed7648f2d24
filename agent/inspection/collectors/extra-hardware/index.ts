/**
 * The `extra-hardware` collector. IPA's collect_extra_hardware
 * (openstack/ironic-python-agent ironic_python_agent/inspector.py) runs
 * hardware-detect (redhat-cip/hardware) and stores its JSON list under
 * `data`. This agent builds the same `[category, item, key, value]` facts
 * itself from the tools in its image: lscpu (cpu, numa), lshw (system,
 * firmware, memory, network), sysfs (disk, DMI, CPU governors) and `ip`.
 * Every source is optional: a missing tool is logged and its facts are left
 * out, never invented. Benchmarks (`ipa-inspection-benchmarks`) are not run.
 */
import { basename } from 'node:path';
import { readTrimmed } from '../../../../common/fs/fs-reader.js';
import { errorText } from '../error-text.js';
import type { CollectorContext, InspectionCollector, InspectionData } from '../types.js';
import { cpuFacts } from './cpu-facts.js';
import { diskFacts, readDiskSysfs } from './disk-facts.js';
import { FactList, type Fact } from './facts.js';
import { lshwFacts } from './lshw-facts.js';
import { ipv4Prefixes, networkFacts, type Ipv4Address, type InventoryNic } from './network-facts.js';
import { dmiSysfsFacts, kernelFacts } from './system-facts.js';
import type { Inventory } from '../../../hardware/inventory.js';

/** IPA's `extra-hardware` collector: `data` = the fact list. */
export const extraHardwareCollector: InspectionCollector = {
  name: 'extra-hardware',
  async collect(data: InspectionData, context: CollectorContext): Promise<void> {
    const inventory = await inventoryOrEmpty(context);
    const facts = new FactList();
    facts.add(await readDiskFacts(context, inventory));
    const lshw = await context.lshw();
    if (lshw !== null) facts.add(lshwFacts(lshw));
    facts.addMissing(await dmiSysfsFacts(context.fs, context.paths.sys));
    facts.addMissing(networkFacts(listOf<InventoryNic>(inventory['interfaces']), await readIpv4(context)));
    facts.add(await readCpuFacts(context));
    facts.add(await readKernelFacts(context));
    data['data'] = facts.list();
    context.logger.info('Extra hardware facts collected', { facts: facts.list().length, lshw: lshw !== null });
  },
};

async function inventoryOrEmpty(context: CollectorContext): Promise<Partial<Inventory>> {
  try {
    return await context.inventory();
  } catch (error) {
    context.logger.warn('No inventory for the extra hardware facts; disk and network facts left out', {
      error: errorText(error),
    });
    return {};
  }
}

function listOf<T>(value: unknown): T[] {
  return Array.isArray(value) ? (value as T[]) : [];
}

async function readDiskFacts(context: CollectorContext, inventory: Partial<Inventory>): Promise<Fact[]> {
  const names = listOf<{ name?: unknown }>(inventory['disks'])
    .map((d) => d.name)
    .filter((n): n is string => typeof n === 'string');
  const disks = [];
  for (const name of names)
    disks.push(await readDiskSysfs(context.fs, context.paths.sys, context.paths.dev, basename(name)));
  return diskFacts(disks);
}

async function readIpv4(context: CollectorContext): Promise<Map<string, Ipv4Address>> {
  try {
    return ipv4Prefixes((await context.runner.run(['ip', '-j', 'addr'])).stdout);
  } catch (error) {
    context.logger.warn('ip addr failed; IPv4 facts left out', { error: errorText(error) });
    return new Map();
  }
}

async function readCpuFacts(context: CollectorContext): Promise<Fact[]> {
  const { runner, fs, paths } = context;
  let lscpu: string;
  let lscpuX: string;
  try {
    lscpu = (await runner.run(['lscpu'], { env: { LC_ALL: 'C' } })).stdout;
    lscpuX = (await runner.run(['lscpu', '-x'], { env: { LC_ALL: 'C' } })).stdout;
  } catch (error) {
    context.logger.warn('lscpu failed; cpu and numa facts left out', { error: errorText(error) });
    return [];
  }
  const cpu = `${paths.sys}/devices/system/cpu`;
  const governors: Array<string | null> = [];
  const count = Number.parseInt(/^CPU\(s\):\s*(\d+)/m.exec(lscpu)?.[1] ?? '0', 10);
  for (let n = 0; n < count; n++) {
    governors.push(
      (await readTrimmed(fs, `${cpu}/cpufreq/policy${n}/scaling_governor`)) ??
        (await readTrimmed(fs, `${cpu}/cpu${n}/cpufreq/scaling_governor`)),
    );
  }
  return cpuFacts(lscpu, lscpuX, {
    smtControl: await readTrimmed(fs, `${cpu}/smt/control`),
    boost: await readTrimmed(fs, `${cpu}/cpufreq/boost`),
    governors,
  });
}

async function readKernelFacts(context: CollectorContext): Promise<Fact[]> {
  const { fs, paths } = context;
  const osRelease =
    (await readTrimmed(fs, `${paths.hostRoot}/etc/os-release`)) ??
    (await readTrimmed(fs, `${paths.hostRoot}/usr/lib/os-release`));
  const cmdline = await readTrimmed(fs, paths.cmdline);
  const benchmarks = /(?:^|\s)ipa-inspection-benchmarks=(\S+)/.exec(cmdline ?? '')?.[1];
  if (benchmarks !== undefined)
    context.logger.warn('ipa-inspection-benchmarks is not supported; no benchmark facts', { benchmarks });
  return kernelFacts({ release: context.kernelRelease(), machine: context.machine(), cmdline, osRelease });
}
