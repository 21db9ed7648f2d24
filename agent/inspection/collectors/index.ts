/**
 * The static registry of inspection collectors: IPA's
 * `ironic_python_agent.inspector.collectors` entry points
 * (openstack/ironic-python-agent pyproject.toml), name → loader. Each module
 * is imported only when a configured collector needs it, so an agent that
 * does not inspect loads none of them.
 */
import type { InspectionCollector } from './types.js';

/** Lazily imports one collector module. */
export type CollectorLoader = () => Promise<InspectionCollector>;

/** Every collector this agent knows, in IPA's entry-point order. */
export const COLLECTORS = {
  default: async () => (await import('./default.js')).defaultCollector,
  logs: async () => (await import('./logs.js')).logsCollector,
  'extra-hardware': async () => (await import('./extra-hardware/index.js')).extraHardwareCollector,
  'pci-devices': async () => (await import('./pci-devices.js')).pciDevicesCollector,
  'numa-topology': async () => (await import('./numa-topology.js')).numaTopologyCollector,
  'dmi-decode': async () => (await import('./dmi-decode.js')).dmiDecodeCollector,
  lldp: async () => (await import('./lldp.js')).lldpCollector,
  'usb-devices': async () => (await import('./usb-devices.js')).usbDevicesCollector,
} as const satisfies Record<string, CollectorLoader>;

/** A known collector name. */
export type CollectorName = keyof typeof COLLECTORS;

/** Whether `name` is a collector this agent knows. */
export function isKnownCollector(name: string): name is CollectorName {
  return Object.hasOwn(COLLECTORS, name);
}

/** The known collector names. */
export function knownCollectors(): CollectorName[] {
  return Object.keys(COLLECTORS) as CollectorName[];
}
