/**
 * `network` facts for the interfaces of the agent's inventory, from what the
 * agent already knows (MAC, carrier, driver) and `ip -j addr` (IPv4 and its
 * prefix). hardware-detect (redhat-cip/hardware hardware/system.py) reads the
 * same values from lshw and the SIOCGIFNETMASK ioctl; these facts fill in
 * what lshw did not report (virtual NICs, or no lshw at all).
 */
import type { Fact } from './facts.js';

/** The inventory fields used (IPA's NetworkInterface). */
export interface InventoryNic {
  name: string;
  mac_address: string;
  has_carrier?: boolean;
  driver?: string | null;
}

/** An interface's first IPv4 address with its prefix length. */
export interface Ipv4Address {
  address: string;
  prefix: number;
}

interface IpLink {
  ifname?: string;
  addr_info?: Array<{ family?: string; local?: string; prefixlen?: number }>;
}

/** `ip -j addr` → interface name → first IPv4 with prefix. */
export function ipv4Prefixes(json: string): Map<string, Ipv4Address> {
  const out = new Map<string, Ipv4Address>();
  const links = JSON.parse(json) as unknown;
  for (const link of Array.isArray(links) ? (links as IpLink[]) : []) {
    const v4 = link.addr_info?.find(
      (a) => a.family === 'inet' && typeof a.local === 'string' && typeof a.prefixlen === 'number',
    );
    if (typeof link.ifname === 'string' && v4?.local !== undefined && v4.prefixlen !== undefined) {
      out.set(link.ifname, { address: v4.local, prefix: v4.prefixlen });
    }
  }
  return out;
}

/** Dotted netmask of a prefix length (24 → 255.255.255.0). */
export function netmask(prefix: number): string {
  const bits = prefix <= 0 ? 0 : (0xffffffff << (32 - Math.min(prefix, 32))) >>> 0;
  return [24, 16, 8, 0].map((shift) => (bits >>> shift) & 0xff).join('.');
}

/** Network address of an IPv4 address and prefix (192.0.2.10/24 → 192.0.2.0). */
export function networkAddress(address: string, prefix: number): string {
  const mask = netmask(prefix).split('.').map(Number);
  return address
    .split('.')
    .map((octet, i) => Number(octet) & (mask[i] ?? 0))
    .join('.');
}

/** serial, ipv4 (+ netmask, cidr, network), link and driver of each inventory interface. */
export function networkFacts(nics: readonly InventoryNic[], ipv4: ReadonlyMap<string, Ipv4Address>): Fact[] {
  const facts: Fact[] = [];
  for (const nic of nics) {
    const address = ipv4.get(nic.name);
    if (address !== undefined) {
      facts.push(
        ['network', nic.name, 'ipv4', address.address],
        ['network', nic.name, 'ipv4-netmask', netmask(address.prefix)],
        ['network', nic.name, 'ipv4-cidr', String(address.prefix)],
        ['network', nic.name, 'ipv4-network', networkAddress(address.address, address.prefix)],
      );
    }
    if (nic.has_carrier !== undefined) facts.push(['network', nic.name, 'link', nic.has_carrier ? 'yes' : 'no']);
    if (typeof nic.driver === 'string' && nic.driver !== '') facts.push(['network', nic.name, 'driver', nic.driver]);
    facts.push(['network', nic.name, 'serial', nic.mac_address.toLowerCase()]);
  }
  return facts;
}
