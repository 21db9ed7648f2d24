/**
 * The source address the kernel would use towards a destination, without
 * running `ip route get`: connect(2) on a UDP socket routes the socket and
 * binds it to the source address the routing decision picked (Linux
 * `ip4_datagram_connect` / `ip6_datagram_connect`), and getsockname(2) reads
 * it back. A datagram socket sends nothing when it connects.
 *
 * It is the lookup `ip route get` reports as `prefsrc`, for a UDP flow to port
 * 9 rather than `ip`'s unspecified protocol and port: the answers differ only
 * where a routing rule selects on protocol or port, or for a broadcast
 * destination (connect refuses it with EACCES). Where `ip` has a route but no
 * source (an interface without an address yet), the socket stays bound to the
 * unspecified address, which is refused here.
 *
 * Why not `ip -j route get`: before its first lookup the agent would load its
 * process library and fork a process for one address (bench/README.md, "The
 * route to Ironic without a command").
 */
import type { SocketOptions } from 'node:dgram';
import { ipFamily } from './ip.js';

/** Finds the source address towards an IP address. @throws Error when there is no route */
export type RouteSourceFinder = (destination: string) => Promise<string>;

/** Any port will do: connecting a datagram socket sends nothing. 9 is `discard`. */
const ANY_PORT = 9;

/** The unspecified addresses a socket is bound to when the route gives it no source. */
const UNSPECIFIED = new Set(['0.0.0.0', '::']);

/**
 * The kernel's source address for packets to `destination` (an IPv4 or IPv6
 * address; an IPv6 link-local one needs its `%zone`).
 * @throws Error when `destination` is not an IP address or its route has no
 *   source address, or with the socket's error (`ENETUNREACH`,
 *   `EHOSTUNREACH`, `EINVAL`, `EACCES` ...) when the kernel will not route to it
 */
export async function kernelRouteSource(destination: string): Promise<string> {
  const family = ipFamily(destination);
  if (family === 0) throw new Error(`${destination} is not an IP address`);
  // On first use only: the agent does not need it when advertise_host is set.
  const { createSocket } = await import('node:dgram');
  // The address is literal: skip dns.lookup, which would test it with node's costly IPv6 regular expression (ip.ts).
  const lookup: SocketOptions['lookup'] = (address, _options, callback) => callback(null, address, family);
  const socket = createSocket({ type: family === 6 ? 'udp6' : 'udp4', lookup });
  let source: string;
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.connect(ANY_PORT, destination, (error?: Error) => (error === undefined ? resolve() : reject(error)));
    });
    source = socket.address().address;
  } finally {
    socket.close();
  }
  if (UNSPECIFIED.has(source)) throw new Error(`the route to ${destination} has no source address yet`);
  return source;
}
