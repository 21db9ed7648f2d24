/**
 * Before inspection, wait for DHCP as IPA does (inspector.wait_for_dhcp): the
 * PXE interface (BOOTIF), or every interface with `inspection_dhcp_all_interfaces`,
 * must have an IPv4 address, for at most `inspection_dhcp_wait_timeout` seconds.
 * Never fatal: inspection goes on with whatever addresses there are.
 */
import type { Runner } from '../../common/exec/runner.js';
import type { Logger } from '../logger.js';
import type { Clock } from '../../common/clock.js';
import { parseIpAddr } from '../hardware/generic/interfaces.js';

/** Options of {@link waitForDhcp}. */
export interface DhcpWaitOptions {
  runner: Runner;
  clock: Clock;
  logger: Logger;
  /** `inspection_dhcp_wait_timeout` seconds; 0 disables the wait. */
  timeoutSec: number;
  /** `inspection_dhcp_all_interfaces`. */
  allInterfaces: boolean;
  /** The PXE MAC (from BOOTIF), lower-case with colons, or null. */
  pxeMac: string | null;
  /** Poll interval. Default 1 s. */
  intervalMs?: number;
}

/** Wait until the interfaces that matter have IPv4 addresses; resolves true when they do. */
export async function waitForDhcp(options: DhcpWaitOptions): Promise<boolean> {
  const { clock, logger } = options;
  if (options.timeoutSec <= 0) return true;
  if (!options.allInterfaces && options.pxeMac === null) {
    logger.info(
      'No PXE boot interface known (no BOOTIF) and inspection_dhcp_all_interfaces is off: not waiting for DHCP',
    );
    return true;
  }
  const deadline = clock.now() + options.timeoutSec * 1000;
  for (;;) {
    const missing = await interfacesWithoutIpv4(options);
    if (missing.length === 0) return true;
    if (clock.now() >= deadline) {
      logger.warn('Interfaces still have no IPv4 address after the DHCP wait; inspecting anyway', {
        interfaces: missing,
        timeoutSec: options.timeoutSec,
      });
      return false;
    }
    await clock.sleep(options.intervalMs ?? 1000);
  }
}

async function interfacesWithoutIpv4(options: DhcpWaitOptions): Promise<string[]> {
  const links = parseIpAddr((await options.runner.run(['ip', '-j', 'addr'])).stdout);
  const missing: string[] = [];
  for (const [name, link] of links) {
    if (name === 'lo' || link.mac === null) continue;
    const relevant = options.allInterfaces || link.mac.toLowerCase() === options.pxeMac;
    if (relevant && link.ipv4 === null) missing.push(name);
  }
  if (!options.allInterfaces && ![...links.values()].some((l) => l.mac?.toLowerCase() === options.pxeMac))
    missing.push(`(no interface with MAC ${options.pxeMac ?? ''})`);
  return missing;
}
