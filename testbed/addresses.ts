/**
 * Pure helpers that derive the test bed's network identities (IPv4 addresses,
 * MACs, interface and namespace names) from a short tag, so that helpers and
 * test runs working on the same machine do not collide.
 */
import { randomBytes } from 'node:crypto';

/** Addresses of one test node and of the host side it talks to. */
export interface NodeAddresses {
  /** Host-side address (root namespace): Ironic and ironic-inspector listen here. */
  hostIp: string;
  /** The node's address inside its network namespace (the agent's callback address). */
  nodeIp: string;
  /** The node NIC's MAC address (enrol it as the Ironic port). */
  mac: string;
}

/** Longest tag: interface names are `<tag><letter><8 hex>` and Linux allows 15 characters. */
export const MAX_TAG_LENGTH = 6;

/**
 * Check a tag: 1–6 lower-case letters or digits, starting with a letter.
 * @throws Error naming the rule when the tag is unusable.
 */
export function assertTag(tag: string): void {
  if (!/^[a-z][a-z0-9]*$/.test(tag) || tag.length > MAX_TAG_LENGTH) {
    throw new Error(
      `Invalid test bed tag "${tag}": use 1-${MAX_TAG_LENGTH} lower-case letters or digits starting with a letter ` +
        '(it prefixes namespace and interface names, which Linux limits to 15 characters)',
    );
  }
}

/** 32-bit FNV-1a hash of a string (stable across runs and platforms). */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/**
 * Addresses for node number `index` of a test bed: `10.A.B.1` on the host,
 * `10.A.B.(10+index)` for the node and `52:54:00:A:B:(10+index)` as MAC, where
 * A comes from the tag and B from the tag mixed with `salt`.
 *
 * Pass `process.pid` (or any per-run number) as `salt` when the same tag may be
 * used by concurrent runs; the same inputs always give the same addresses.
 * @param tag - the test bed tag (see {@link assertTag})
 * @param index - node number, 0–200
 * @param salt - per-run number mixed into the second octet (default 0)
 * @throws Error for a bad tag or index.
 */
export function testbedAddresses(tag: string, index: number, salt = 0): NodeAddresses {
  assertTag(tag);
  if (!Number.isInteger(index) || index < 0 || index > 200) {
    throw new Error(`Invalid node index ${index}: use an integer from 0 to 200`);
  }
  const hash = fnv1a(tag);
  const a = hash & 0xff;
  const b = ((hash >>> 8) ^ fnv1a(String(salt))) & 0xff;
  const last = 10 + index;
  const hex = (n: number): string => n.toString(16).padStart(2, '0');
  return {
    hostIp: `10.${a}.${b}.1`,
    nodeIp: `10.${a}.${b}.${last}`,
    mac: `52:54:00:${hex(a)}:${hex(b)}:${hex(last)}`,
  };
}

/** Check a dotted-quad IPv4 address. @throws Error naming the bad value. */
export function assertIpv4(value: string, what: string): void {
  const parts = value.split('.');
  const ok = parts.length === 4 && parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255);
  if (!ok) throw new Error(`Invalid ${what} "${value}": expected a dotted IPv4 address such as 10.20.30.1`);
}

/** Check a MAC address (six colon-separated hex pairs). @throws Error naming the bad value. */
export function assertMac(value: string): void {
  if (!/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(value)) {
    throw new Error(`Invalid MAC "${value}": expected six colon-separated hex pairs such as 52:54:00:12:34:56`);
  }
  if ((parseInt(value.slice(0, 2), 16) & 1) === 1) {
    throw new Error(
      `Invalid MAC "${value}": the first octet is a multicast address; use a unicast MAC such as 52:54:00:…`,
    );
  }
}

/** A random lower-case hex suffix of `length` characters for unique names. */
export function randomSuffix(length = 8): string {
  return randomBytes(Math.ceil(length / 2))
    .toString('hex')
    .slice(0, length);
}

/** Names of a node's namespace and veth ends, all at most 15 characters. */
export interface NodeLinkNames {
  /** Network namespace. */
  namespace: string;
  /** veth end in the root namespace. */
  hostIf: string;
  /** veth end inside the namespace (renamed to `eth0` there). */
  nodeIf: string;
}

/** Build the namespace and interface names for a node from a tag and a suffix. */
export function nodeLinkNames(tag: string, suffix: string): NodeLinkNames {
  assertTag(tag);
  return { namespace: `${tag}-node-${suffix}`, hostIf: `${tag}h${suffix}`, nodeIf: 'eth0' };
}
