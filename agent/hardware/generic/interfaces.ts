/**
 * `inventory.interfaces` from /sys/class/net and `ip -j addr`.
 *
 * Port of IPA GenericHardwareManager.list_network_interfaces /
 * get_interface_info and netutils: physical NICs, VLANs (`name.N`) and bonds;
 * no loopback; no interface without a usable MAC (IPA also ignores MACs
 * starting `fa:`); no BMC USB NICs (drivers cdc_ether / cdc_ncm, which share
 * MACs across machines — the OpenShift CoreOS manager's filter_device).
 * speed_mbps: lshw capacity/speed as IPA, else sysfs `speed` (our addition).
 */
import { basename } from 'node:path';
import type { Runner } from '../../../common/exec/runner.js';
import type { Logger } from '../../logger.js';
import { readdirOrEmpty, readTrimmed, type FsReader } from '../../../common/fs/fs-reader.js';
import type { NetworkInterfaceInventory } from '../inventory.js';

/** Drivers of BMC USB NICs, which must never be reported. */
export const BMC_USB_NIC_DRIVERS = ['cdc_ether', 'cdc_ncm'];

/** Addresses of one link from `ip -j addr`. */
export interface LinkAddresses {
  mac: string | null;
  ipv4: string | null;
  ipv6: string | null;
}

interface IpLink {
  ifname?: string;
  address?: string;
  permaddr?: string;
  addr_info?: Array<{ family?: string; local?: string; scope?: string }>;
}

/**
 * Parse `ip -j addr` into name → addresses: the permanent MAC when ip shows one,
 * the first IPv4, the first IPv6 (link-local ones as `fe80::…%<name>`, as psutil gives them).
 */
export function parseIpAddr(json: string): Map<string, LinkAddresses> {
  const out = new Map<string, LinkAddresses>();
  const links = JSON.parse(json) as IpLink[];
  for (const link of Array.isArray(links) ? links : []) {
    if (typeof link.ifname !== 'string') continue;
    const info = link.addr_info ?? [];
    const v4 = info.find((a) => a.family === 'inet' && typeof a.local === 'string');
    const v6 = info.find((a) => a.family === 'inet6' && typeof a.local === 'string');
    out.set(link.ifname, {
      mac: link.permaddr ?? link.address ?? null,
      ipv4: v4?.local ?? null,
      ipv6: v6?.local === undefined ? null : v6.scope === 'link' ? `${v6.local}%${link.ifname}` : v6.local,
    });
  }
  return out;
}

/** An interface {@link InterfaceCollector} reports, before it is described. */
interface Link {
  name: string;
  /** `<sys>/class/net/<name>` */
  net: string;
  addrs: LinkAddresses | undefined;
}

interface LshwNet {
  class?: string;
  logicalname?: string | string[];
  capacity?: number;
  size?: number;
  units?: string;
  children?: LshwNet[];
}

/** A NIC's speed from lshw (capacity, else current size) in Mbit/s, or null. */
export function speedFromLshw(lshw: unknown, name: string): number | null {
  const stack: LshwNet[] = [(Array.isArray(lshw) ? lshw[0] : lshw) as LshwNet];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === undefined || node === null) continue;
    const names = Array.isArray(node.logicalname) ? node.logicalname : [node.logicalname];
    if (node.class === 'network' && names.includes(name)) {
      const bits = node.capacity ?? node.size;
      if (bits === undefined || (node.units ?? 'bit/s') !== 'bit/s') return null;
      return Math.trunc(bits / 1_000_000);
    }
    stack.push(...(node.children ?? []));
  }
  return null;
}

/** Collects the interface list; remembers only whether "biosdevname missing" was logged. */
export class InterfaceCollector {
  private reportedNoBiosdevname = false;

  constructor(
    private readonly runner: Runner,
    private readonly fs: FsReader,
    private readonly logger: Logger,
    private readonly sysRoot: string = '/sys',
    /**
     * Interfaces reported even without a physical device (IPA reports only
     * physical NICs, VLANs and bonds): the configured `network_interface`,
     * which may be a veth or macvlan in a container or test bed.
     */
    private readonly alwaysInclude: readonly string[] = [],
  ) {}

  /** The interfaces, in /sys/class/net name order. `lshw` is `lshw -json` output or null. */
  async collect(lshw: unknown): Promise<NetworkInterfaceInventory[]> {
    const out: NetworkInterfaceInventory[] = [];
    for (const link of await this.links()) {
      const nic = await this.describe(link, lshw);
      if (nic !== null) out.push(nic);
    }
    return out;
  }

  /**
   * The MAC of every interface {@link collect} reports, in the same order,
   * without the rest of the description (no lshw, biosdevname or speed): all
   * that lookup sends (IPA lookup_node joins the inventory interfaces'
   * mac_address). When every candidate's address is the permanent one
   * (sysfs `addr_assign_type` 0), `ip -j addr` could only repeat sysfs
   * `address`, so no command runs; otherwise (a bond, a bond member, an
   * address set or randomised) the permanent address comes from `ip` as in
   * {@link collect}.
   */
  async macAddresses(): Promise<string[]> {
    const candidates = await this.candidates();
    const links = (await this.permanentAddresses(candidates)) ?? (await this.withAddresses(candidates));
    const macs: string[] = [];
    for (const link of links) {
      const mac = await this.usableMac(link);
      if (mac !== null) macs.push(mac);
    }
    return macs;
  }

  /** The candidate interfaces, in /sys/class/net name order, with their addresses from `ip -j addr`. */
  private async links(): Promise<Link[]> {
    return this.withAddresses(await this.candidates());
  }

  /** The candidate interfaces, in /sys/class/net name order, without addresses. */
  private async candidates(): Promise<Link[]> {
    const names = (await readdirOrEmpty(this.fs, `${this.sysRoot}/class/net`)).sort();
    const links: Link[] = [];
    for (const name of names) {
      if (await this.isInterface(name))
        links.push({ name, net: `${this.sysRoot}/class/net/${name}`, addrs: undefined });
    }
    return links;
  }

  private async withAddresses(links: Link[]): Promise<Link[]> {
    const addresses = parseIpAddr((await this.runner.run(['ip', '-j', 'addr'])).stdout);
    return links.map((link) => ({ ...link, addrs: addresses.get(link.name) }));
  }

  /**
   * The links with their sysfs `address` when every one is the permanent
   * address, else null. An address of `addr_assign_type` 0 (NET_ADDR_PERM,
   * Linux Documentation/ABI/testing/sysfs-class-net) is the one the driver
   * registered, which register_netdevice copied into the permanent address
   * that `ip` shows as `permaddr` (net/core/dev.c); setting an address makes
   * the type 3 for good, so the type is read after the address: a 0 then
   * proves the address read was the registered one. (A driver that rewrites
   * its address without going through the kernel's setter keeps type 0; the
   * lookup then sends the current address, as IPA does (netutils.get_mac_addr
   * reads it), where the inventory has `ip`'s permanent one.) Unreadable (an
   * old kernel, a test tree, an interface gone) counts as not permanent.
   */
  private async permanentAddresses(links: readonly Link[]): Promise<Link[] | null> {
    const out: Link[] = [];
    for (const link of links) {
      const mac = await readTrimmed(this.fs, `${link.net}/address`);
      if (mac === null || (await readTrimmed(this.fs, `${link.net}/addr_assign_type`)) !== '0') return null;
      out.push({ ...link, addrs: { mac, ipv4: null, ipv6: null } });
    }
    return out;
  }

  private async isInterface(name: string): Promise<boolean> {
    if (name === 'lo') return false;
    if (this.alwaysInclude.includes(name)) return true;
    const net = `${this.sysRoot}/class/net/${name}`;
    return isVlan(name) || (await this.fs.exists(`${net}/device`)) || this.fs.exists(`${net}/bonding`);
  }

  /** The interface's MAC, or null (logged) when it has none usable or is a BMC USB NIC. */
  private async usableMac({ name, net, addrs }: Link): Promise<string | null> {
    const mac = (addrs?.mac ?? (await readTrimmed(this.fs, `${net}/address`)))?.toLowerCase() ?? null;
    if (mac === null || mac === '00:00:00:00:00:00') return null;
    if (mac.startsWith('fa:')) {
      this.logger.warn('Ignoring an interface with a locally assigned MAC address starting fa:', {
        interface: name,
        mac,
      });
      return null;
    }
    const driver = await linkName(this.fs, `${net}/device/driver`);
    if (driver !== null && BMC_USB_NIC_DRIVERS.includes(driver)) {
      this.logger.debug('Ignoring a BMC USB network interface', { interface: name, driver });
      return null;
    }
    return mac;
  }

  private async describe(link: Link, lshw: unknown): Promise<NetworkInterfaceInventory | null> {
    const mac = await this.usableMac(link);
    if (mac === null) return null;
    const { name, net, addrs } = link;
    const driver = await linkName(this.fs, `${net}/device/driver`);
    const sysSpeed = Number.parseInt((await readTrimmed(this.fs, `${net}/speed`)) ?? '', 10);
    return {
      name,
      mac_address: mac,
      ipv4_address: addrs?.ipv4 ?? null,
      ipv6_address: addrs?.ipv6 ?? null,
      has_carrier: (await readTrimmed(this.fs, `${net}/carrier`)) === '1',
      lldp: null,
      vendor: await readTrimmed(this.fs, `${net}/device/vendor`),
      product: await readTrimmed(this.fs, `${net}/device/device`),
      client_id: null,
      biosdevname: await this.biosdevname(name),
      speed_mbps: speedFromLshw(lshw, name) ?? (sysSpeed > 0 ? sysSpeed : null),
      pci_address: await linkName(this.fs, `${net}/device`),
      driver,
    };
  }

  private async biosdevname(name: string): Promise<string | null> {
    if (isVlan(name)) return null;
    try {
      return (await this.runner.run(['biosdevname', '-i', name])).stdout.trim() || null;
    } catch (error) {
      const e = error as { notFound?: boolean; exitCode?: number | null };
      if (e.notFound === true) {
        if (!this.reportedNoBiosdevname) this.logger.debug('biosdevname is not installed; biosdevname stays null');
        this.reportedNoBiosdevname = true;
      } else if (e.exitCode === 4) {
        this.logger.debug('biosdevname gives no names in a virtual machine', { interface: name });
      } else {
        this.logger.debug('biosdevname failed', { interface: name, exitCode: e.exitCode ?? null });
      }
      return null;
    }
  }
}

/** `eth0.100` is a VLAN interface (IPA's naming convention). */
function isVlan(name: string): boolean {
  const dot = name.indexOf('.');
  return dot >= 0 && /^\d+$/.test(name.slice(dot + 1));
}

async function linkName(fs: FsReader, path: string): Promise<string | null> {
  try {
    return basename(await fs.readlink(path));
  } catch {
    return null;
  }
}
