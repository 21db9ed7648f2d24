/**
 * The node's network: a namespace and a point-to-point veth link to the root
 * namespace, built with the real `ip` command through the Runner.
 *
 * Layout (every address is a /32 with an explicit route, so that any number of
 * nodes can share one host address, which is where Ironic listens):
 *
 *   root namespace                          node namespace
 *   <tag>h<suffix>  hostIp/32   <--veth-->   eth0  nodeIp/32, MAC = the Ironic port's
 *   route nodeIp/32 dev <tag>h… src hostIp   route hostIp/32 dev eth0; default via hostIp
 *
 * Nothing global changes: no forwarding, no rp_filter or sysctl changes, no NAT.
 * Deleting the namespace deletes the veth pair and both routes with it.
 */
import type { Runner } from '../common/exec/runner.js';
import type { NodeLinkNames } from './addresses.js';

/** Parameters of one node link. */
export interface NodeLinkSpec extends NodeLinkNames {
  hostIp: string;
  nodeIp: string;
  mac: string;
}

/** argv lists that build a node link, in order (pure; see the file comment for the layout). */
export function nodeLinkCommands(s: NodeLinkSpec): string[][] {
  const inNs = (...args: string[]): string[] => ['ip', '-n', s.namespace, ...args];
  return [
    ['ip', 'netns', 'add', s.namespace],
    ['ip', 'link', 'add', s.hostIf, 'type', 'veth', 'peer', 'name', s.nodeIf, 'netns', s.namespace],
    ['ip', 'addr', 'add', `${s.hostIp}/32`, 'dev', s.hostIf],
    ['ip', 'link', 'set', s.hostIf, 'up'],
    ['ip', 'route', 'add', `${s.nodeIp}/32`, 'dev', s.hostIf, 'src', s.hostIp],
    inNs('link', 'set', 'lo', 'up'),
    inNs('link', 'set', s.nodeIf, 'address', s.mac),
    inNs('addr', 'add', `${s.nodeIp}/32`, 'dev', s.nodeIf),
    inNs('link', 'set', s.nodeIf, 'up'),
    inNs('route', 'add', `${s.hostIp}/32`, 'dev', s.nodeIf),
    inNs('route', 'add', 'default', 'via', s.hostIp, 'dev', s.nodeIf),
  ];
}

/**
 * Create the namespace and the veth link. On failure the caller must run
 * {@link removeNodeLink} (it is safe after a partial setup).
 * @throws the Runner's error, naming the `ip` command that failed.
 */
export async function createNodeLink(runner: Runner, spec: NodeLinkSpec): Promise<void> {
  for (const argv of nodeLinkCommands(spec)) await runner.run(argv);
}

/** True when the root namespace already has a route for exactly `ip`/32 (a node link using that address). */
export async function isRouted(runner: Runner, ip: string): Promise<boolean> {
  const result = await runner.run(['ip', 'route', 'show', 'exact', `${ip}/32`]);
  return result.stdout.trim() !== '';
}

/** PIDs of the processes whose network namespace is `namespace` (empty when none or gone). */
export async function namespacePids(runner: Runner, namespace: string): Promise<number[]> {
  const result = await runner.run(['ip', 'netns', 'pids', namespace], { okExitCodes: [0, 1, 255] });
  return result.stdout
    .split(/\s+/)
    .filter((t) => /^\d+$/.test(t))
    .map(Number);
}

/** True when the namespace exists. */
export async function namespaceExists(runner: Runner, namespace: string): Promise<boolean> {
  const result = await runner.run(['ip', 'netns', 'list']);
  return result.stdout.split('\n').some((line) => line.split(' ')[0] === namespace);
}

/**
 * Remove the host end (if still there) and the namespace. Idempotent.
 * Processes still inside the namespace must be stopped first.
 */
export async function removeNodeLink(runner: Runner, names: NodeLinkNames): Promise<void> {
  await runner.run(['ip', 'link', 'del', names.hostIf], { okExitCodes: [0, 1] });
  if (await namespaceExists(runner, names.namespace)) await runner.run(['ip', 'netns', 'del', names.namespace]);
}

/**
 * A veth pair in the root namespace (`name` and `<name>p`) that only holds
 * `ip/32`, so a service can listen on that address before (and after) any
 * node link carries it. Remove it with {@link removeAnchor}.
 */
export async function addAnchor(runner: Runner, name: string, ip: string): Promise<void> {
  await runner.run(['ip', 'link', 'add', name, 'type', 'veth', 'peer', 'name', `${name}p`]);
  try {
    await runner.run(['ip', 'addr', 'add', `${ip}/32`, 'dev', name]);
    await runner.run(['ip', 'link', 'set', name, 'up']);
  } catch (error) {
    await removeAnchor(runner, name);
    throw error;
  }
}

/** Delete an anchor made by {@link addAnchor} (idempotent). */
export async function removeAnchor(runner: Runner, name: string): Promise<void> {
  await runner.run(['ip', 'link', 'del', name], { okExitCodes: [0, 1] });
}
