/**
 * The source address the kernel would use towards a destination, without
 * running `ip route get`: connect(2) on a UDP socket routes the socket and
 * binds it to the source address the routing decision picked (Linux
 * `ip4_datagram_connect` / `ip6_datagram_connect`, the same route lookup and
 * source selection `ip route get` reports as `prefsrc`), and getsockname(2)
 * reads it back. A datagram socket sends nothing when it connects.
 *
 * Why not `ip -j route get`: before its first lookup the agent would load its
 * process library and fork a process for one address (bench/README.md,
 * "Before the first lookup").
 */
import { ipFamily } from './ip.js';

/** Finds the source address towards an IP address. @throws Error when there is no route */
export type RouteSourceFinder = (destination: string) => Promise<string>;

/** Any port will do: connecting a datagram socket sends nothing. 9 is `discard`. */
const ANY_PORT = 9;

/**
 * The kernel's source address for packets to `destination` (an IPv4 or IPv6
 * address; an IPv6 link-local one needs its `%zone`).
 * @throws Error when `destination` is not an IP address, or with the
 *   socket's error (`ENETUNREACH`, `EHOSTUNREACH`, `EINVAL` ...) when the
 *   kernel has no route to it
 */
export async function kernelRouteSource(destination: string): Promise<string> {
  const family = ipFamily(destination);
  if (family === 0) throw new Error(`${destination} is not an IP address`);
  // On first use only: the agent does not need it when advertise_host is set.
  const { createSocket } = await import('node:dgram');
  const socket = createSocket(family === 6 ? 'udp6' : 'udp4');
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.connect(ANY_PORT, destination, (error?: Error) => (error === undefined ? resolve() : reject(error)));
    });
    return socket.address().address;
  } finally {
    socket.close();
  }
}
