/**
 * IP address recognition without node's IPv6 regular expression.
 *
 * `net.isIPv6` (and `net.isIP` for anything that is not IPv4) runs one large
 * regular expression (node `lib/internal/net.js`, `IPv6Reg`): on Node 20 and
 * 22 its first use costs 7-10 ms and every later one about 2 ms, on any
 * input, IPv4 addresses and host names included. The agent formats its
 * callback URL with it before its first lookup and at every heartbeat.
 * {@link isIpv6} accepts exactly the strings `net.isIPv6` accepts (RFC 4291
 * §2.2 text forms, an optional `%zone`), checked against node's own function
 * in test/common/net/ip.test.ts.
 */
import { isIPv4 } from 'node:net';

/** One 16-bit group: 1-4 hex digits. */
const GROUP = /^[0-9a-fA-F]{1,4}$/;
/** A zone id as node accepts it after `%`. */
const ZONE = /^[0-9a-zA-Z.:-]+$/;
/** Groups an IPv6 address has in all (an embedded IPv4 address counts as two). */
const GROUPS = 8;

/**
 * How many 16-bit groups a colon-separated run of groups stands for, or -1 if
 * one is not a group. `last`: the run ends the address, so its final part may
 * be a dotted IPv4 address (two groups).
 */
function groupCount(run: string, last: boolean): number {
  if (run === '') return 0;
  const parts = run.split(':');
  let count = 0;
  for (const [index, part] of parts.entries()) {
    if (GROUP.test(part)) count += 1;
    else if (last && index === parts.length - 1 && isIPv4(part)) count += 2;
    else return -1;
  }
  return count;
}

/** Whether `text` is an IPv6 address (with an optional zone id), as node's `net.isIPv6` decides. */
export function isIpv6(text: string): boolean {
  const percent = text.indexOf('%');
  if (percent !== -1 && !ZONE.test(text.slice(percent + 1))) return false;
  const address = percent === -1 ? text : text.slice(0, percent);
  const halves = address.split('::');
  if (halves.length > 2) return false;
  const [head = '', tail] = halves;
  if (tail === undefined) return groupCount(head, true) === GROUPS;
  const left = groupCount(head, false);
  const right = groupCount(tail, true);
  return left >= 0 && right >= 0 && left + right < GROUPS;
}

/** 4 or 6 for an IPv4 or IPv6 address, 0 for anything else: node's `net.isIP`, without its cost. */
export function ipFamily(text: string): 0 | 4 | 6 {
  if (isIPv4(text)) return 4;
  return isIpv6(text) ? 6 : 0;
}
