/**
 * A fleet of test nodes deployed at once through one Ironic: N confined nodes
 * (a namespace, a veth and one sparse loop disk each), each with its own test
 * host root (the coreos-installer double, a systemctl stand-in), enrolled with
 * fake power and brought to `available`; then every node is deployed
 * concurrently (custom-agent, the `install_coreos` deploy step, a JSON
 * configdrive naming the node) and one agent process boots per node as Ironic
 * powers it on. Per node it records the provision-state changes Ironic saved,
 * when the agent booted, and the agent's own milestones (lookup, heartbeats,
 * the step, the power-off). Used by `npm run bench:fleet` and the fleet e2e test.
 */
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { testbedAddresses } from './addresses.js';
import { startAgent, type RunningTestAgent } from './agent.js';
import { processGroupSeconds } from './cpu-usage.js';
import { agentMilestones, readTextIfAny, skippedHeartbeats, type AgentMilestones } from './fleet-agent-log.js';
import { ProvisionWatcher, type StateChange } from './fleet-watch.js';
import { createHostRoot, type HostRoot } from './host-root.js';
import { inBatches } from './in-batches.js';
import { FAILURE_STATES } from './ironic-nodes.js';
import type { IronicTestbed } from './ironic.js';
import { TestNode } from './node.js';

/**
 * The deploy steps of Metal3's customDeploy path: install_coreos at priority 80
 * (metal3-io/baremetal-operator pkg/provisioner/ironic/ironic.go).
 */
export const FLEET_DEPLOY_STEPS = [{ interface: 'deploy', step: 'install_coreos', args: {}, priority: 80 }];

/** What {@link Fleet.create} needs. */
export interface FleetOptions {
  /** A started test bed Ironic (any release). */
  testbed: IronicTestbed;
  /** Number of nodes (1–190). */
  size: number;
  /** Tag of every name (namespaces, interfaces, loop images); 1–6 letters or digits. */
  tag: string;
  /** Directory for the host roots and the agents' state and logs (the caller removes it). */
  dir: string;
  /** Per-run number mixed into the addresses (default process.pid). */
  salt?: number;
  /** Size of each node's one sparse loop disk in GiB. Default 5. */
  diskGiB?: number;
  /** Nodes set up at once (namespaces, loop devices, mounts, enrolment). Default 5. */
  setupConcurrency?: number;
  /** Receives progress lines. */
  progress?: (line: string) => void;
}

/** One node of the fleet. */
export interface FleetMember {
  index: number;
  /** The Ironic node name (also the hostname in its configdrive). */
  name: string;
  uuid: string;
  node: TestNode;
  host: HostRoot;
  /** The agent of the deploy (set once Ironic has powered the node on). */
  agent?: RunningTestAgent;
}

/** What happened to one node during {@link Fleet.deploy}; times are epoch ms. */
export interface NodeTimeline {
  name: string;
  uuid: string;
  /** The node's disk, e.g. /dev/loop7. */
  disk: string;
  /** When the deploy request was sent and when Ironic accepted it. */
  requestedAt: number;
  acceptedAt: number;
  /** When the agent process was spawned (Ironic's `wait call-back` seen), if it was. */
  agentSpawnedAt?: number;
  /** Provision-state changes, oldest first (the state before the request included). */
  changes: StateChange[];
  /** Why the agent could not be spawned, if it could not. */
  agentError?: string;
  /** Milestones from the agent's log. */
  agent: AgentMilestones;
  /** CPU seconds of the agent's process group once the node settled (the agent, the installer double, the confinement). */
  agentCpuSeconds: number;
  /** Heartbeats Ironic skipped because the node was locked (from ironic.log). */
  skippedHeartbeats: number;
  finalState: string;
  lastError: string | null;
}

/** The outcome of one fleet deploy. */
export interface FleetRun {
  /** When the first deploy request was sent. */
  startedAt: number;
  /** When the last node settled (active or failed), or the deadline passed. */
  endedAt: number;
  /** Whether every node settled before the deadline. */
  settled: boolean;
  nodes: NodeTimeline[];
  /** List requests the watcher made. */
  polls: number;
}

const ANY_DONE = ['active', ...FAILURE_STATES];

/** N nodes, set up and available in one Ironic; {@link destroy} always. */
export class Fleet {
  private readonly spawnedAt = new Map<string, number>();
  private readonly boots: Array<Promise<void>> = [];
  private readonly bootErrors = new Map<string, string>();

  private constructor(
    private readonly options: FleetOptions,
    /** The nodes, in index order. */
    readonly members: FleetMember[],
  ) {}

  /**
   * Create the nodes and their host roots, enrol each (fake power, custom-agent,
   * one port) and bring it to `available`. On failure everything created so far
   * is removed before the error is thrown.
   */
  static async create(options: FleetOptions): Promise<Fleet> {
    if (!Number.isInteger(options.size) || options.size < 1 || options.size > 190)
      throw new Error(`Invalid fleet size ${options.size}: use a whole number from 1 to 190`);
    const fleet = new Fleet(options, []);
    const say = options.progress ?? ((): void => undefined);
    try {
      const indexes = Array.from({ length: options.size }, (_, i) => i);
      await inBatches(indexes, options.setupConcurrency ?? 5, (index) => fleet.addMember(index));
      fleet.members.sort((a, b) => a.index - b.index);
      say(`${options.size} nodes available in Ironic`);
    } catch (error) {
      await fleet.destroy().catch((cleanup: unknown) => say(`cleanup after a failed set-up: ${String(cleanup)}`));
      throw error;
    }
    return fleet;
  }

  /** Create node `index` and its host root (kept in `members` at once, for destroy()), enrol it, make it available. */
  private async addMember(index: number): Promise<void> {
    const { testbed, tag } = this.options;
    const name = `${tag}-${String(index).padStart(3, '0')}`;
    const addresses = testbedAddresses(tag, index, this.options.salt ?? process.pid);
    const node = await TestNode.create({
      tag,
      ...addresses,
      disksGiB: [this.options.diskGiB ?? 5],
      dir: join(this.options.dir, name, 'node'),
    });
    let host: HostRoot;
    try {
      host = await createHostRoot({ dir: join(this.options.dir, name, 'hostroot') });
      host.addOsmet();
    } catch (error) {
      await node.destroy().catch(() => undefined);
      throw error;
    }
    const member: FleetMember = { index, name, uuid: '', node, host };
    this.members.push(member);
    member.uuid = await testbed.createNode({ name, mac: addresses.mac });
    await testbed.setProvisionState(member.uuid, 'manage');
    await testbed.waitForProvisionState(member.uuid, ['manageable'], 120_000);
    await testbed.setProvisionState(member.uuid, 'provide');
    await testbed.waitForProvisionState(member.uuid, ['available'], 120_000);
  }

  /**
   * Deploy every node at once and wait until each is `active` or failed (or
   * `timeoutMs` passes). Each node's agent starts when Ironic has powered the
   * node on and waits for it (`wait call-back`), as a ramdisk boots then.
   */
  async deploy(timeoutMs: number): Promise<FleetRun> {
    const { testbed } = this.options;
    const say = this.options.progress ?? ((): void => undefined);
    const byUuid = new Map(this.members.map((m) => [m.uuid, m]));
    const watcher = new ProvisionWatcher(
      testbed.api,
      this.members.map((m) => m.uuid),
      {
        onChange: (uuid, change) => {
          const member = byUuid.get(uuid);
          if (member !== undefined && change.state === 'wait call-back' && !this.spawnedAt.has(uuid))
            this.boots.push(
              this.boot(member).catch((error: unknown) => {
                this.bootErrors.set(uuid, error instanceof Error ? error.message : String(error));
                say(`${member.name}: the agent did not start: ${String(error)}`);
              }),
            );
        },
      },
    );
    await watcher.start();
    const requested = new Map<string, [number, number]>();
    const startedAt = Date.now();
    let settled = false;
    try {
      await Promise.all(
        this.members.map(async (m) => {
          const sent = Date.now();
          await testbed.setProvisionState(m.uuid, 'active', {
            configdrive: { user_data: { ignition: { version: '3.4.0' } }, meta_data: { 'local-hostname': m.name } },
            deploy_steps: FLEET_DEPLOY_STEPS,
          });
          requested.set(m.uuid, [sent, Date.now()]);
        }),
      );
      say(`${this.members.length} deploy requests accepted in ${Date.now() - startedAt} ms`);
      settled = await this.waitUntilSettled(watcher, startedAt, startedAt + timeoutMs, say);
    } finally {
      await watcher.stop();
      await Promise.allSettled(this.boots);
    }
    const endedAt = Math.max(...this.members.map((m) => watcher.history(m.uuid).at(-1)?.at ?? startedAt));
    const cpu = new Map(
      this.members.map((m) => [m.uuid, m.agent === undefined ? 0 : processGroupSeconds(m.agent.process.pid)]),
    );
    await watcher.pollNow();
    const ironicLog = readTextIfAny(testbed.logFile);
    const nodes = this.members.map((m): NodeTimeline => {
      const [sent, accepted] = requested.get(m.uuid) ?? [startedAt, startedAt];
      const current = watcher.current(m.uuid);
      const spawned = this.spawnedAt.get(m.uuid);
      const bootError = this.bootErrors.get(m.uuid);
      return {
        name: m.name,
        uuid: m.uuid,
        disk: m.node.disks[0]?.device ?? '',
        requestedAt: sent,
        acceptedAt: accepted,
        ...(spawned === undefined ? {} : { agentSpawnedAt: spawned }),
        ...(bootError === undefined ? {} : { agentError: bootError }),
        changes: [...watcher.history(m.uuid)],
        agent: agentMilestones(m.agent === undefined ? '' : m.agent.process.readLog()),
        agentCpuSeconds: cpu.get(m.uuid) ?? 0,
        skippedHeartbeats: skippedHeartbeats(ironicLog, m.uuid),
        finalState: current?.provision_state ?? 'unknown',
        lastError: current?.last_error ?? null,
      };
    });
    return { startedAt, endedAt: settled ? endedAt : Date.now(), settled, nodes, polls: await watcher.stop() };
  }

  private async waitUntilSettled(
    watcher: ProvisionWatcher,
    startedAt: number,
    deadline: number,
    say: (line: string) => void,
  ): Promise<boolean> {
    let reported = '';
    for (;;) {
      const states = this.members.map((m) => watcher.current(m.uuid)?.provision_state ?? '?');
      const counts = new Map<string, number>();
      for (const state of states) counts.set(state, (counts.get(state) ?? 0) + 1);
      const summary = [...counts].map(([state, n]) => `${n} ${state}`).join(', ');
      if (summary !== reported) say(`${((Date.now() - startedAt) / 1000).toFixed(1)} s: ${summary}`);
      reported = summary;
      if (states.every((s) => ANY_DONE.includes(s))) return true;
      if (Date.now() > deadline) return false;
      await sleep(250);
    }
  }

  /** Boot the member's agent (a fresh state dir, JSON log lines for {@link agentMilestones}). */
  private async boot(member: FleetMember): Promise<void> {
    this.spawnedAt.set(member.uuid, Date.now());
    member.agent = await startAgent(member.node, {
      apiUrl: this.options.testbed.url,
      dir: join(this.options.dir, member.name, 'boot'),
      rootMount: member.host.root,
      extraArgs: ['--use-json'],
    });
  }

  /**
   * Stop the agents, remove the nodes (namespaces, veths, loop devices) and
   * unmount the host roots. Idempotent; every step runs even when one fails.
   * @throws AggregateError with every failure
   */
  async destroy(): Promise<void> {
    await Promise.allSettled(this.boots);
    const errors: unknown[] = [];
    for (const member of this.members.splice(0)) {
      await member.node.destroy().catch((e: unknown) => errors.push(e));
      await member.host.destroy().catch((e: unknown) => errors.push(e));
    }
    if (errors.length > 0) throw new AggregateError(errors, 'The fleet was not fully torn down');
  }
}
