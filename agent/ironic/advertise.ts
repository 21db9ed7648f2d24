/**
 * Which address the agent announces in its heartbeat `callback_url`.
 * Port of IPA agent.set_agent_advertise_addr / _find_routable_addr /
 * _get_route_source. IPA parses `ip route get`'s `src`; the agent asks the
 * kernel the same question through a UDP socket (common/net/route-source.ts),
 * and reads `network_interface`'s address from `ip -j` JSON output.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { ipFamily } from '../../common/net/ip.js';
import { Agent as HttpsAgent } from 'node:https';
import type { AxiosInstance } from 'axios';
import { LookupAgentIPError } from '../../common/errors.js';
import type { Runner } from '../../common/exec/runner.js';
import type { Logger } from '../logger.js';
import type { Clock } from '../../common/clock.js';
import { kernelRouteSource, type RouteSourceFinder } from '../../common/net/route-source.js';
import { describeError, isRecord } from './response.js';

/** Options of {@link findAdvertiseAddress}. */
export interface AdvertiseOptions {
  /** `advertise_host`: used as is when set. */
  advertiseHost?: string | null;
  /** `network_interface`: take this NIC's IPv4 address. */
  networkInterface?: string | null;
  /** Ironic API URLs whose route decides the source address. */
  apiUrls: readonly string[];
  runner: Runner;
  clock: Clock;
  logger: Logger;
  /** `ip_lookup_attempts` rounds (default config 6). */
  attempts: number;
  /** `ip_lookup_sleep` seconds between rounds (default config 10). */
  sleepSec: number;
  /** Is the URL answering at all (any HTTP status)? Default: every URL counts as reachable. See createReachabilityProbe. */
  probe?: (url: string) => Promise<boolean>;
  /** Host name → addresses. Default: node:dns lookup (getaddrinfo). */
  resolve?: (host: string) => Promise<string[]>;
  /** The kernel's source address towards an IP. Default: {@link kernelRouteSource}. */
  routeSource?: RouteSourceFinder;
}

/** The chosen address and how it was found. */
export interface AdvertiseResult {
  host: string;
  source: 'configured' | 'interface' | 'route';
  /** The API URLs that answered the probe (all of them when none did). */
  reachableApiUrls: string[];
}

/**
 * Find the address to advertise: `advertise_host`, else `network_interface`'s
 * IPv4, else the source address of the route to Ironic (what `ip route get` reports),
 * skipping link-local sources, in up to `attempts` rounds `sleepSec` apart.
 * @throws LookupAgentIPError when no address is found
 */
export async function findAdvertiseAddress(options: AdvertiseOptions): Promise<AdvertiseResult> {
  const all = [...options.apiUrls];
  if (options.advertiseHost !== undefined && options.advertiseHost !== null && options.advertiseHost !== '') {
    return { host: options.advertiseHost, source: 'configured', reachableApiUrls: all };
  }
  if (options.networkInterface !== undefined && options.networkInterface !== null && options.networkInterface !== '') {
    const host = await interfaceIpv4(options.runner, options.networkInterface, options.logger);
    if (host === null) {
      throw new LookupAgentIPError(
        `Agent could not find a valid IP address: interface ${options.networkInterface} (network_interface) has no IPv4 address; fix network_interface or set advertise_host`,
      );
    }
    return { host, source: 'interface', reachableApiUrls: all };
  }
  const { reachable, ips } = await routeTargets(options);
  if (ips.length === 0) {
    throw new LookupAgentIPError(
      `Agent could not find a valid IP address: no API URL to route towards (${all.join(', ')}); check api_url, or set advertise_host`,
    );
  }
  for (let round = 1; round <= options.attempts; round++) {
    for (const ip of ips) {
      const source = await routeSource(options.routeSource ?? kernelRouteSource, ip, options.logger);
      if (source !== null) return { host: source, source: 'route', reachableApiUrls: reachable };
    }
    if (round < options.attempts) await options.clock.sleep(options.sleepSec * 1000);
  }
  throw new LookupAgentIPError(
    `Agent could not find a valid IP address: no usable route source towards ${ips.join(', ')} after ${options.attempts} attempt(s); ` +
      'check the network, or set advertise_host (ipa-advertise-host) or network_interface',
  );
}

/** Probe the URLs and resolve the hosts of the reachable ones (all, when none answered). */
async function routeTargets(options: AdvertiseOptions): Promise<{ reachable: string[]; ips: string[] }> {
  const probe = options.probe ?? (async () => true);
  const resolve = options.resolve ?? defaultResolve;
  const reachable: string[] = [];
  for (const url of options.apiUrls) {
    if (await probe(url)) reachable.push(url);
    else options.logger.debug('API URL is not reachable, skipping', { url });
  }
  // Routing needs no answer from Ironic: when none answered (Ironic still starting), route towards all of them.
  if (reachable.length === 0)
    options.logger.warn('No reachable Ironic API URL found, keeping all URLs', { urls: options.apiUrls });
  const targets = reachable.length === 0 ? [...options.apiUrls] : reachable;
  const ips = new Set<string>();
  for (const url of targets) {
    const host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
    try {
      for (const address of await resolve(host)) ips.add(address);
    } catch {
      options.logger.debug('Could not resolve the API host, using it as is', { host });
      ips.add(host);
    }
  }
  return { reachable: targets, ips: [...ips] };
}

/** The route's source address towards `ip`, or null (no route, link-local, not an IP). */
async function routeSource(find: RouteSourceFinder, ip: string, logger: Logger): Promise<string | null> {
  let source: string;
  try {
    source = await find(ip);
  } catch (error) {
    logger.warn('Cannot get route to host', { dest: ip, error: describeError(error) });
    return null;
  }
  if (ipFamily(source) === 0) {
    logger.warn('No route source to host', { dest: ip, source });
    return null;
  }
  if (isLinkLocal(source)) {
    logger.info('Ignoring link-local source address', { dest: ip, source });
    return null;
  }
  return source;
}

/** `ip -j addr show dev <nic>` → the first IPv4 address, or null. */
async function interfaceIpv4(runner: Runner, nic: string, logger: Logger): Promise<string | null> {
  let stdout: string;
  try {
    ({ stdout } = await runner.run(['ip', '-j', 'addr', 'show', 'dev', nic]));
  } catch (error) {
    logger.warn('Cannot read the addresses of the network interface', { nic, error: describeError(error) });
    return null;
  }
  return firstField(stdout, (link) => {
    const infos = Array.isArray(link['addr_info']) ? (link['addr_info'] as unknown[]) : [];
    const inet = infos.find(
      (i): i is Record<string, unknown> => isRecord(i) && i['family'] === 'inet' && typeof i['local'] === 'string',
    );
    return inet?.['local'];
  });
}

/** Parse `ip -j` output (a JSON array of objects) and return the first string `pick` yields. */
function firstField(stdout: string, pick: (entry: Record<string, unknown>) => unknown): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    return null;
  }
  if (!Array.isArray(parsed)) return null;
  for (const entry of parsed) {
    if (!isRecord(entry)) continue;
    const value = pick(entry);
    if (typeof value === 'string' && value !== '') return value;
  }
  return null;
}

/** 169.254.0.0/16 or fe80::/10. */
export function isLinkLocal(address: string): boolean {
  const family = ipFamily(address);
  if (family === 4) return address.startsWith('169.254.');
  if (family === 6) return /^fe[89ab][0-9a-f]:/i.test(address);
  return false;
}

/**
 * `<protocol>://<host>:<port>`, with an IPv6 host in brackets (IPA
 * netutils.wrap_ipv6).
 */
export function callbackUrl(protocol: 'http' | 'https', host: string, port: number): string {
  const wrapped = ipFamily(host) === 6 ? `[${host}]` : host;
  return `${protocol}://${wrapped}:${port}`;
}

/**
 * A reachability probe as IPA does it: a plain GET, any HTTP status counts,
 * TLS certificates are not verified (only reachability is tested).
 */
export function createReachabilityProbe(
  http: AxiosInstance,
  timeoutMs: number,
  logger: Logger,
): (url: string) => Promise<boolean> {
  const agent = new HttpsAgent({ rejectUnauthorized: false });
  return async (url) => {
    try {
      const response = await http.request({
        method: 'GET',
        url,
        timeout: timeoutMs,
        httpsAgent: agent,
        validateStatus: () => true,
        responseType: 'text',
      });
      logger.debug('API URL is reachable', { url, status: response.status });
      return true;
    } catch (error) {
      logger.debug('API URL is not reachable', { url, error: describeError(error) });
      return false;
    }
  };
}

async function defaultResolve(host: string): Promise<string[]> {
  const addresses = await dnsLookup(host, { all: true });
  return addresses.map((a) => a.address);
}
