/**
 * Everything `fleet apply` checks before it touches any node: every node's
 * desired config is read and validated, and every node can be reached the way
 * its method needs. One problem refuses the whole run (exit 2), each problem
 * naming the node.
 */
import { loadDesiredConfig, type DesiredConfig, type ReadSource } from '../desired.js';
import type { Fleet, FleetNode } from '../fleet-file.js';
import { runPool } from '../pool.js';
import type { ApplySettings } from './options.js';

/** Configs read at once. */
const READ_CONCURRENCY = 8;

/** The run is refused before any node is touched. Named ConfigError so that the CLI exits 2. */
export class FleetInputError extends Error {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`refused before touching any node:\n    ${problems.join('\n    ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** True when the node may be rebuilt by Ironic (its method is ironic, or auto with an ironic entry). */
export function mayUseIronic(node: FleetNode): boolean {
  return node.method === 'ironic' || (node.method === 'auto' && node.ironic !== undefined);
}

/** The problems of reaching each node the way its method needs (pure). */
export function methodProblems(
  fleet: Fleet,
  settings: Pick<ApplySettings, 'ironic' | 'includeControlPlane'>,
): string[] {
  const problems: string[] = [];
  for (const node of fleet.nodes) {
    const at = `node ${node.name}: `;
    if (node.method === 'ssh' && node.ssh === undefined) problems.push(`${at}method ssh needs ssh.address`);
    if (node.method === 'ironic' && node.ironic === undefined) problems.push(`${at}method ironic needs ironic.node`);
    if (mayUseIronic(node) && settings.ironic === undefined) {
      problems.push(
        `${at}method ${node.method} may use Ironic, and no Ironic endpoint is known (give --os-endpoint, OS_ENDPOINT or ironic.endpoint${node.method === 'auto' ? ', or remove its ironic entry to use SSH only' : ''})`,
      );
    }
  }
  const controlPlane = fleet.nodes.some((n) => n.role === 'control-plane');
  if (settings.includeControlPlane && controlPlane && fleet.health === undefined) {
    problems.push(
      '--include-control-plane needs health.command in the fleet file (the gate around each control-plane node)',
    );
  }
  return problems;
}

/**
 * Read and validate every node's desired config (in parallel), then check the methods.
 * @returns each node's config by name
 * @throws FleetInputError listing every problem
 */
export async function validateFleet(
  fleet: Fleet,
  settings: Pick<ApplySettings, 'ironic' | 'includeControlPlane'>,
  read: ReadSource,
): Promise<Map<string, DesiredConfig>> {
  const configs = new Map<string, DesiredConfig>();
  const failures = new Map<string, string>();
  const cache = new Map<string, Promise<DesiredConfig>>();
  await runPool(fleet.nodes, READ_CONCURRENCY, async (node) => {
    let loading = cache.get(node.config);
    if (loading === undefined) {
      loading = loadDesiredConfig(node.config, read);
      cache.set(node.config, loading);
    }
    try {
      configs.set(node.name, await loading);
    } catch (error) {
      failures.set(node.name, error instanceof Error ? error.message : String(error));
    }
  });
  const problems = [
    ...fleet.nodes.flatMap((n) => (failures.has(n.name) ? [`node ${n.name}: ${failures.get(n.name)!}`] : [])),
    ...methodProblems(fleet, settings),
  ];
  if (problems.length > 0) throw new FleetInputError(problems);
  return configs;
}
