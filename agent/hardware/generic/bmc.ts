/**
 * BMC addresses for the inventory: `bmc_address`, `bmc_v6address`, `bmc_mac`
 * via ipmitool, only when an IPMI device node exists (else all null).
 *
 * Port of IPA GenericHardwareManager.get_bmc_address / get_bmc_v6address /
 * get_bmc_mac: channels 1–11; "Invalid channel" skips a channel; 0.0.0.0 and
 * 00:00:00:00:00:00 keep the search going; defaults `0.0.0.0` and `::/0` once
 * a BMC answered; any other ipmitool failure means null (normal in VMs).
 * ipmitool runs directly (no shell, no awk); its output is parsed here.
 */
import { ipFamily } from '../../../common/net/ip.js';
import type { Runner } from '../../../common/exec/runner.js';
import type { Logger } from '../../logger.js';
import { readdirOrEmpty, type FsReader } from '../../../common/fs/fs-reader.js';

/** The BMC part of the inventory. `mac` is null when unknown (then `bmc_mac` is left out). */
export interface BmcInfo {
  address: string | null;
  v6address: string | null;
  mac: string | null;
}

/** One IPv6 address block of `ipmitool lan6 print`. */
export interface Lan6Address {
  kind: 'dynamic' | 'static';
  address: string;
  status: string;
  /** Dynamic: Source/Type is DHCPv6 or SLAAC; static: Enabled is yes. */
  enabled: boolean;
}

/** `IP Address` and `MAC Address` from `ipmitool lan print <channel>`. */
export function parseLanPrint(text: string): { ip: string | null; mac: string | null } {
  const field = (name: string): string | null => new RegExp(`^${name}[ \\t]*:\\s*(\\S+)`, 'm').exec(text)?.[1] ?? null;
  return { ip: field('IP Address'), mac: field('MAC Address') };
}

/** The last word of `IPv6/IPv4 Addressing Enables : both` (ipv4, ipv6 or both), or null. */
export function parseLan6Enables(text: string): string | null {
  return /^IPv6\/IPv4 Addressing Enables[ \t]*:\s*(\S+)\s*$/m.exec(text)?.[1] ?? null;
}

/** The address blocks of `ipmitool lan6 print <ch> [dynamic_addr|static_addr]` output. */
export function parseLan6Addresses(text: string): Lan6Address[] {
  const out: Lan6Address[] = [];
  let current: (Lan6Address & { source?: string }) | null = null;
  for (const line of text.split('\n')) {
    const head = /^IPv6 (Dynamic|Static) Address \d+:/.exec(line);
    if (head !== null) {
      current = { kind: head[1] === 'Dynamic' ? 'dynamic' : 'static', address: '', status: '', enabled: false };
      out.push(current);
      continue;
    }
    if (/^\S/.test(line)) current = null;
    const kv = /^\s+([^:]+):\s*(.*)$/.exec(line);
    if (current === null || kv === null || kv[1] === undefined || kv[2] === undefined) continue;
    const [key, value] = [kv[1].trim(), kv[2].trim()];
    if (key === 'Address') current.address = value;
    else if (key === 'Status') current.status = value;
    else if (key === 'Source/Type') current.enabled = value === 'DHCPv6' || value === 'SLAAC';
    else if (key === 'Enabled') current.enabled = value.toLowerCase() === 'yes';
  }
  return out;
}

const CHANNELS = Array.from({ length: 11 }, (_, i) => i + 1);
const MAC_RE = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;

/** Detects the BMC's addresses with ipmitool; stateless. */
export class BmcDetector {
  constructor(
    private readonly runner: Runner,
    private readonly fs: FsReader,
    private readonly logger: Logger,
    private readonly devRoot: string = '/dev',
  ) {}

  /** Whether /dev/ipmi*, /dev/ipmi/* or /dev/ipmidev/* exists (IPA any_ipmi_device_exists). */
  async ipmiDeviceExists(): Promise<boolean> {
    if (
      (await readdirOrEmpty(this.fs, this.devRoot)).some((n) => n.startsWith('ipmi') && n !== 'ipmi' && n !== 'ipmidev')
    )
      return true;
    for (const dir of ['ipmi', 'ipmidev'])
      if ((await readdirOrEmpty(this.fs, `${this.devRoot}/${dir}`)).length > 0) return true;
    return false;
  }

  /** All three values; nulls when there is no IPMI device or ipmitool cannot be used. */
  async detect(): Promise<BmcInfo> {
    if (!(await this.ipmiDeviceExists())) return { address: null, v6address: null, mac: null };
    const lan = await this.lanPrints();
    if (lan === null) return { address: null, v6address: await this.v6address(), mac: null };
    const address =
      lan.map((l) => l.ip).find((ip) => ip !== null && ipFamily(ip) === 4 && ip !== '0.0.0.0') ?? '0.0.0.0';
    return { address, v6address: await this.v6address(), mac: await this.mac(lan) };
  }

  /** `lan print` of every valid channel, or null when ipmitool fails otherwise. */
  private async lanPrints(): Promise<Array<{ channel: number; ip: string | null; mac: string | null }> | null> {
    const out = [];
    for (const channel of CHANNELS) {
      const text = await this.ipmitool(['lan', 'print', String(channel)]);
      if (text === null) return null;
      if (text !== 'invalid-channel') out.push({ channel, ...parseLanPrint(text) });
    }
    return out;
  }

  private async mac(lan: Array<{ channel: number; ip: string | null; mac: string | null }>): Promise<string | null> {
    for (const { channel, ip, mac } of lan) {
      if (mac === null || !MAC_RE.test(mac) || mac === '00:00:00:00:00:00') continue;
      if (ip === '0.0.0.0' || ip === null) {
        const text = await this.ipmitool(['lan6', 'print', String(channel)]);
        const usable =
          text !== null &&
          text !== 'invalid-channel' &&
          parseLan6Addresses(text).some(
            (a) => a.address !== '' && !a.address.startsWith('::') && !a.address.toLowerCase().startsWith('fe80'),
          );
        if (!usable) continue;
      }
      return mac.toLowerCase();
    }
    return null;
  }

  private async v6address(): Promise<string | null> {
    for (const channel of CHANNELS) {
      const enables = await this.ipmitool(['lan6', 'print', String(channel), 'enables']);
      if (enables === null) return null;
      const mode = enables === 'invalid-channel' ? null : parseLan6Enables(enables);
      if (mode !== 'ipv6' && mode !== 'both') continue;
      for (const kind of ['dynamic_addr', 'static_addr']) {
        const text = await this.ipmitool(['lan6', 'print', String(channel), kind]);
        const found =
          text === null || text === 'invalid-channel'
            ? undefined
            : parseLan6Addresses(text).find(
                (a) => a.status === 'active' && a.enabled && !/^::(\/\d{1,3})*$/.test(a.address),
              );
        const ip = found?.address.split('/')[0];
        if (ip !== undefined && ipFamily(ip) === 6) return ip;
      }
    }
    return '::/0';
  }

  /** stdout, `invalid-channel`, or null when ipmitool fails for another reason (logged). */
  private async ipmitool(args: string[]): Promise<string | null> {
    try {
      return (await this.runner.run(['ipmitool', ...args], { timeoutMs: 60_000 })).stdout;
    } catch (error) {
      const e = error as { stderr?: string; message?: string };
      // Line by line: ipmitool 1.8.19 first warns on stderr when the IANA
      // enterprise-numbers registry is absent (ipmitool/ipmitool lib/ipmi_strings.c).
      const lines = (e.stderr ?? '').split('\n');
      if (
        lines.some((l) => l.includes('Invalid channel')) ||
        lines.some((l) => l.startsWith('Failed to get IPv6/IPv4 Addressing Enables'))
      )
        return 'invalid-channel';
      this.logger.warn('Cannot get BMC information from ipmitool', {
        command: `ipmitool ${args.join(' ')}`,
        error: e.message ?? String(error),
      });
      return null;
    }
  }
}
