/**
 * A fleet of test-bed SSH nodes for the `fleet apply` e2e suite: per node a
 * real ostree sysroot (testbed/ostree-sysroot.ts) and a node with sshd
 * (testbed/ssh-node.ts); one client key, one agent command, one health
 * command and one event log shared by all; the fleet file written from them;
 * and the facts the tests compare, read from the nodes themselves.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configSha256 } from '../../ignition/hash.js';
import { buildCoreosSysroot, sysrootUnavailableReason, type CoreosSysroot } from '../../testbed/ostree-sysroot.js';
import { recentOstree } from '../../testbed/ostree-tools.js';
import { NODE_SSH_PORT, NODE_SYSROOT, REBOOT_REQUESTS } from '../../testbed/ssh-node-files.js';
import { SshNode } from '../../testbed/ssh-node.js';
import { STATE_SUBDIR } from '../../reprovision/sysroot/layout.js';
import { SUCCESS_FILE } from '../../reprovision/scripts/boot-script.js';
import type { StatusDocument } from '../../reprovision/status.js';
import { sysrootFingerprint, type SysrootFingerprint } from '../../testbed/sysroot-fingerprint.js';
import { fleetClient, run, writeAgentCommand, writeHealthCommand, type FleetClient } from './fleet-ssh.js';

/** One node to build. */
export interface SshFleetNodeSpec {
  readonly name: string;
  readonly role: 'control-plane' | 'worker';
}

/** What {@link buildSshFleet} needs. */
export interface SshFleetOptions {
  /** The test's directory (the caller removes it). */
  readonly dir: string;
  /** The recent ostree wrapper's directory (outside /tmp and /var/tmp). */
  readonly ostreeDir: string;
  /** Removed at destroy(). */
  readonly cleanupDirs?: readonly string[];
  readonly nodes: readonly SshFleetNodeSpec[];
  /** Test-bed tag of the nodes' names. Default `fssh`. */
  readonly tag?: string;
}

/** What the fleet file may say besides the nodes. */
export interface FleetFileSpec {
  readonly concurrency: number;
  readonly timeoutSeconds: number;
  /** Per node name: fields to set or replace on that node's entry. */
  readonly overrides?: Record<string, Record<string, unknown>>;
  /** Entries after the SSH nodes' (e.g. Ironic-backed nodes), as they are. */
  readonly extraNodes?: readonly Record<string, unknown>[];
  /** The fleet file's `ironic.endpoint`. */
  readonly ironicEndpoint?: string;
}

/** The built fleet; always call {@link SshFleet.destroy}. */
export interface SshFleet {
  readonly client: FleetClient;
  /** The fleet file's `remote.command`. */
  readonly agentCommand: readonly string[];
  /** Node names, in fleet-file order. */
  readonly names: readonly string[];
  /** Where the health command keeps its plan and count (see planHealth). */
  readonly healthDir: string;
  node(name: string): SshNode;
  /** The event log's lines: the nodes' reprovision runs, reboots and health calls, in order. */
  events(): string[];
  /** Write the fleet file and return its path. */
  writeFleetFile(spec: FleetFileSpec): string;
  desiredSha256(name: string): string;
  /** The node's success marker file (on this machine). */
  successFile(name: string): string;
  destroy(): Promise<void>;
}

/**
 * In a mocha `before`: the recent ostree's wrapper for the nodes (it binds
 * {@link NODE_SYSROOT} into its root) in a new directory under /run (never
 * /tmp, see testbed/ssh-node-files.ts), or a skip of the suite with the reason.
 */
export async function nodeOstreeOrSkip(context: Mocha.Context): Promise<string> {
  const reason = sysrootUnavailableReason();
  const dir = reason === undefined ? mkdtempSync('/run/ica-fleet-e2e-') : undefined;
  const found = dir === undefined ? { path: undefined, reason } : await recentOstree(dir, { binds: [NODE_SYSROOT] });
  if (found.path === undefined) {
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    console.log(`      (skipping: ${found.reason})`);
    context.skip();
  }
  return dir!;
}

/** Build the sysroots and nodes; on failure whatever was built is removed. */
export async function buildSshFleet(options: SshFleetOptions): Promise<SshFleet> {
  const { dir } = options;
  const client = await fleetClient(dir);
  const agent = writeAgentCommand(dir, options.ostreeDir);
  const eventLog = join(dir, 'events.log');
  writeFileSync(eventLog, '');
  const health = writeHealthCommand(dir, eventLog);
  const sysroots = new Map<string, CoreosSysroot>();
  const nodes = new Map<string, SshNode>();
  const destroy = async (): Promise<void> => {
    for (const node of nodes.values()) await node.destroy().catch((e: unknown) => console.log(String(e)));
    for (const sysroot of sysroots.values()) await sysroot.cleanup().catch((e: unknown) => console.log(String(e)));
    for (const extra of options.cleanupDirs ?? []) rmSync(extra, { recursive: true, force: true });
  };
  const configs = new Map<string, string>();
  try {
    for (const [index, spec] of options.nodes.entries()) {
      const sysroot = await buildCoreosSysroot();
      sysroots.set(spec.name, sysroot);
      nodes.set(
        spec.name,
        await SshNode.create({
          name: spec.name,
          eventLog,
          tag: options.tag ?? 'fssh',
          index: index + 1,
          salt: process.pid,
          sysroot: sysroot.sysroot,
          authorizedKey: client.publicKey,
          binDir: options.ostreeDir,
        }),
      );
      const config = join(dir, `${spec.name}.ign`);
      writeFileSync(config, JSON.stringify(hostnameConfig(spec.name)));
      configs.set(spec.name, config);
    }
  } catch (error) {
    await destroy();
    throw error;
  }
  const node = (name: string): SshNode => {
    const found = nodes.get(name);
    if (found === undefined) throw new Error(`no node ${name} in the test fleet`);
    return found;
  };
  return {
    client,
    agentCommand: [agent],
    names: options.nodes.map((n) => n.name),
    healthDir: dir,
    node,
    events: () =>
      readFileSync(eventLog, 'utf8')
        .split('\n')
        .filter((l) => l !== ''),
    writeFleetFile: (spec) => {
      const path = join(dir, 'fleet.yaml');
      const entries = options.nodes.map((n) => ({
        name: n.name,
        role: n.role,
        config: configs.get(n.name),
        method: 'ssh',
        timeoutSeconds: spec.timeoutSeconds,
        ssh: { address: node(n.name).address, user: 'root', key: client.key, port: NODE_SSH_PORT },
        ...(spec.overrides?.[n.name] ?? {}),
      }));
      const fleet = {
        ...(spec.ironicEndpoint === undefined ? {} : { ironic: { endpoint: spec.ironicEndpoint } }),
        concurrency: spec.concurrency,
        health: { command: [health], timeoutSeconds: 60 },
        remote: { command: [agent], sysroot: NODE_SYSROOT },
        nodes: [...entries, ...(spec.extraNodes ?? [])],
      };
      writeFileSync(path, JSON.stringify(fleet, null, 2));
      return path;
    },
    desiredSha256: (name) => configSha256(readFileSync(configs.get(name)!, 'utf8')),
    successFile: (name) => join(sysroots.get(name)!.varDir, STATE_SUBDIR, SUCCESS_FILE),
    destroy,
  };
}

/** Each node's own config: its hostname. */
export function hostnameConfig(name: string): unknown {
  return {
    ignition: { version: '3.4.0' },
    storage: { files: [{ path: '/etc/hostname', mode: 420, overwrite: true, contents: { source: `data:,${name}` } }] },
  };
}

/** What a node says of itself and what its test-bed files show. */
export interface NodeFacts {
  /** `reprovision status --json` on the node, over SSH: in_effect. */
  readonly inEffect: boolean;
  /** Its stamp's phase (null: none). */
  readonly phase: string | null;
  /** When its stamp says the reprovision started (null: none). */
  readonly startedAt: string | null;
  /** Deployments in its boot entries. */
  readonly deployments: number;
  readonly defaultDeployment: string;
  /** Reboots the product asked of it (its agent command's records). */
  readonly rebootRequests: number;
  /** Reboots the double did. */
  readonly boots: number;
}

/** The facts of `names` (default every node), each read over SSH from the node itself (in parallel). */
export async function nodeFacts(bed: SshFleet, names: readonly string[] = bed.names): Promise<Map<string, NodeFacts>> {
  const entries = await Promise.all(names.map(async (name) => [name, await factsOf(bed, name)] as const));
  return new Map(entries);
}

async function factsOf(bed: SshFleet, name: string): Promise<NodeFacts> {
  const node = bed.node(name);
  const ssh = ['ssh', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=accept-new', '-i', bed.client.key];
  const result = await run(
    [...ssh, `root@${node.address}`, ...bed.agentCommand, 'reprovision', 'status', '--json', '--sysroot', NODE_SYSROOT],
    bed.client.home,
  );
  if (result.code !== 0) throw new Error(`reprovision status on ${name} failed (${result.code}):\n${result.stderr}`);
  const status = JSON.parse(result.stdout) as StatusDocument;
  const requests = join(node.dir, REBOOT_REQUESTS);
  return {
    inEffect: status.in_effect,
    phase: status.reprovision?.phase ?? null,
    startedAt: status.reprovision?.started_at ?? null,
    deployments: status.deployments.length,
    defaultDeployment: status.deployments.find((d) => d.default)?.id ?? '',
    rebootRequests: existsSync(requests)
      ? readFileSync(requests, 'utf8')
          .split('\n')
          .filter((l) => l !== '').length
      : 0,
    boots: node.boots.length,
  };
}

/** Every node's sysroot fingerprint, by name. */
export async function fingerprints(bed: SshFleet): Promise<Map<string, SysrootFingerprint>> {
  const all = new Map<string, SysrootFingerprint>();
  for (const name of bed.names) all.set(name, await sysrootFingerprint(bed.node(name).sysroot));
  return all;
}
