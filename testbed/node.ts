/**
 * A confined test node: a network namespace joined to the host by a veth pair
 * (the NIC carries the Ironic port's MAC), sparse loop disks, and a way to run
 * commands and long-running agents INSIDE the confinement (testbed/confine.sh),
 * where only the node's own disks exist.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ExecaRunner } from '../common/exec/execa-runner.js';
import type { Runner } from '../common/exec/runner.js';
import type { Logger } from '../agent/logger.js';
import { assertIpv4, assertMac, assertTag, nodeLinkNames, randomSuffix, type NodeLinkNames } from './addresses.js';
import { confinedArgv, type ConfinementSpec } from './confine.js';
import { isLocalAddress } from './host.js';
import { createNodeLink, isRouted, namespacePids, removeNodeLink } from './host-net.js';
import { attachLoopDisk, detachLoopDisk, type LoopDisk } from './loop-disks.js';
import { SpawnedProcess } from './spawned.js';

/** What {@link TestNode.create} needs. */
export interface TestNodeOptions {
  /** Short tag prefixing every name (see addresses.ts assertTag). */
  tag: string;
  /** MAC of the node's NIC: enrol the same MAC as the node's Ironic port. */
  mac: string;
  /** Host end of the veth (where Ironic listens). */
  hostIp: string;
  /** The node's own address (the agent's callback address). */
  nodeIp: string;
  /** Sizes of the sparse loop disks in GiB, in order. */
  disksGiB: readonly number[];
  /** Directory for disk images and logs. Default: a new `<tmp>/<tag>-node-XXXXXX`, removed by destroy(). */
  dir?: string;
  /** Runs ip/losetup/truncate/partx. Default: ExecaRunner. */
  runner?: Runner;
  /** Receives debug messages about setup and teardown. */
  logger?: Logger;
}

/** Options for commands run inside the confinement. */
export interface ConfinedRunOptions {
  /** Extra environment, merged over this process's. */
  env?: Record<string, string>;
  /** Directory standing in for the host root (/mnt/coreos): gets the confined /dev (and /sys). */
  hostRoot?: string;
}

/** Options of {@link TestNode.exec}. */
export interface ExecOptions extends ConfinedRunOptions {
  /** Data for stdin. */
  input?: string;
  /** Kill after this many ms. */
  timeoutMs?: number;
}

/** Outcome of {@link TestNode.exec} (a non-zero exit is a result, not an error). */
export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

const ALL_EXIT_CODES = Array.from({ length: 256 }, (_, i) => i);

/** A test node; always call {@link TestNode.destroy} (e.g. in an `after` hook). */
export class TestNode {
  private readonly attached: LoopDisk[] = [];
  private readonly processes: SpawnedProcess[] = [];
  private destroyed = false;
  private linkCreated = false;

  private constructor(
    private readonly runner: Runner,
    private readonly logger: Logger | undefined,
    /** Names of the namespace and the veth ends. */
    readonly names: NodeLinkNames,
    /** The tag prefixing every name. */
    readonly tag: string,
    /** MAC of the node's eth0 (enrol it as the Ironic port). */
    readonly mac: string,
    /** Host end of the veth, where Ironic listens. */
    readonly hostIp: string,
    /** The node's address: the agent's callback URL is http://<nodeIp>:9999. */
    readonly nodeIp: string,
    /** Directory with the disk images and process logs. */
    readonly dir: string,
    private readonly ownsDir: boolean,
  ) {}

  /**
   * Validate everything, then create the namespace, the veth link and the disks.
   * On any failure, whatever was created is removed again before the error is thrown.
   * @throws Error naming the bad option or the command that failed.
   */
  static async create(options: TestNodeOptions): Promise<TestNode> {
    assertTag(options.tag);
    assertMac(options.mac);
    assertIpv4(options.hostIp, 'hostIp');
    assertIpv4(options.nodeIp, 'nodeIp');
    if (options.hostIp === options.nodeIp) throw new Error(`hostIp and nodeIp must differ (both ${options.hostIp})`);
    if (options.disksGiB.length > 16) throw new Error(`At most 16 test disks per node, got ${options.disksGiB.length}`);
    for (const size of options.disksGiB) {
      if (!Number.isInteger(size) || size < 1 || size > 1024)
        throw new Error(`Invalid test disk size ${size} GiB: use a whole number from 1 to 1024`);
    }
    const runner = options.runner ?? new ExecaRunner();
    if (isLocalAddress(options.nodeIp) || (await isRouted(runner, options.nodeIp))) {
      throw new Error(
        `nodeIp ${options.nodeIp} is already configured or routed on this host (another test node?): pick another address`,
      );
    }
    const ownsDir = options.dir === undefined;
    const dir = options.dir ?? mkdtempSync(join(tmpdir(), `${options.tag}-node-`));
    mkdirSync(dir, { recursive: true });
    const names = nodeLinkNames(options.tag, randomSuffix());
    const node = new TestNode(
      runner,
      options.logger,
      names,
      options.tag,
      options.mac,
      options.hostIp,
      options.nodeIp,
      dir,
      ownsDir,
    );
    try {
      await node.setUp(options.disksGiB);
    } catch (error) {
      await node
        .destroy()
        .catch((cleanup: unknown) =>
          node.logger?.warn('Test node cleanup after a failed create also failed', { error: String(cleanup) }),
        );
      throw error;
    }
    return node;
  }

  private async setUp(disksGiB: readonly number[]): Promise<void> {
    this.linkCreated = true;
    // `ip netns exec` bind-mounts /etc/netns/<ns>/resolv.conf over /etc/resolv.conf: without a
    // nameserver the resolver asks 127.0.0.1 and fails at once, instead of timing out on the
    // host's DNS server, which the namespace cannot reach (no forwarding).
    mkdirSync(this.netnsEtc, { recursive: true });
    writeFileSync(
      join(this.netnsEtc, 'resolv.conf'),
      '# test node namespace: no DNS (see testbed/node.ts)\noptions timeout:1 attempts:1\n',
    );
    await createNodeLink(this.runner, { ...this.names, hostIp: this.hostIp, nodeIp: this.nodeIp, mac: this.mac });
    for (const [index, size] of disksGiB.entries()) {
      this.attached.push(await attachLoopDisk(this.runner, this.dir, index, size));
    }
    this.logger?.debug('Test node ready', {
      namespace: this.names.namespace,
      nodeIp: this.nodeIp,
      disks: this.attached.map((d) => d.device),
    });
  }

  /** Per-namespace /etc overrides used by `ip netns exec`. */
  private get netnsEtc(): string {
    return join('/etc/netns', this.names.namespace);
  }

  /** The network namespace. */
  get namespace(): string {
    return this.names.namespace;
  }

  /** The attached test disks, in the order of `disksGiB`. */
  get disks(): readonly LoopDisk[] {
    return this.attached;
  }

  /** The confinement of this node (for building command lines by hand). */
  confinement(hostRoot?: string): ConfinementSpec {
    return {
      namespace: this.namespace,
      disks: this.attached.map((d) => d.name),
      ...(hostRoot !== undefined ? { hostRoot } : {}),
    };
  }

  /**
   * Run `argv` inside the confinement and wait for it.
   * @returns exit code and output; a non-zero exit code does not throw
   * @throws the Runner's error when the command cannot run at all or times out.
   */
  async exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    this.assertAlive();
    const result = await this.runner.run(confinedArgv(this.confinement(options.hostRoot), argv), {
      okExitCodes: ALL_EXIT_CODES,
      ...(options.env !== undefined ? { env: options.env } : {}),
      ...(options.input !== undefined ? { input: options.input } : {}),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    });
    return { exitCode: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr };
  }

  /**
   * Start a long-running process (the agent under test, a probe server) inside
   * the confinement; stdout and stderr go to `<dir>/<logName>.log`.
   * destroy() stops it if it is still running.
   */
  async spawnAgent(
    argv: readonly string[],
    options: ConfinedRunOptions & { logName?: string } = {},
  ): Promise<SpawnedProcess> {
    this.assertAlive();
    const logFile = join(this.dir, `${options.logName ?? 'agent'}.log`);
    const started = await SpawnedProcess.start(confinedArgv(this.confinement(options.hostRoot), argv), {
      logFile,
      ...(options.env !== undefined ? { env: options.env } : {}),
    });
    this.processes.push(started);
    return started;
  }

  private assertAlive(): void {
    if (this.destroyed) throw new Error(`Test node ${this.namespace} was destroyed`);
  }

  /**
   * Stop every process in the namespace, detach the disks, delete the
   * namespace and veth link, and remove the directory if create() made it
   * (unless `keepDir`). Idempotent; safe after a partial create().
   * @throws AggregateError listing every step that failed (the others still ran).
   */
  async destroy(options: { keepDir?: boolean } = {}): Promise<void> {
    this.destroyed = true;
    const errors: unknown[] = [];
    const step = async (what: string, fn: () => Promise<void>): Promise<void> => {
      try {
        await fn();
      } catch (error) {
        errors.push(new Error(`${what}: ${error instanceof Error ? error.message : String(error)}`, { cause: error }));
      }
    };
    await step('stop spawned processes', async () => {
      await Promise.all(this.processes.map((p) => p.stop()));
    });
    if (this.linkCreated) await step('kill processes left in the namespace', () => this.killNamespaceProcesses());
    for (const disk of this.attached.splice(0))
      await step(`detach ${disk.device}`, () => detachLoopDisk(this.runner, disk));
    if (this.linkCreated) await step('remove namespace and veth', () => removeNodeLink(this.runner, this.names));
    if (this.linkCreated)
      await step(`remove ${this.netnsEtc}`, async () => rmSync(this.netnsEtc, { recursive: true, force: true }));
    this.linkCreated = false;
    if (this.ownsDir && options.keepDir !== true)
      await step(`remove ${this.dir}`, async () => rmSync(this.dir, { recursive: true, force: true }));
    if (errors.length > 0) throw new AggregateError(errors, `Test node ${this.namespace} was not fully destroyed`);
    this.logger?.debug('Test node destroyed', { namespace: this.namespace });
  }

  private async killNamespaceProcesses(): Promise<void> {
    for (let round = 0; round < 50; round += 1) {
      const pids = await namespacePids(this.runner, this.namespace);
      if (pids.length === 0) return;
      for (const pid of pids) {
        try {
          process.kill(pid, round === 0 ? 'SIGTERM' : 'SIGKILL');
        } catch {
          // already gone
        }
      }
      await sleep(100);
    }
    throw new Error(`processes still running in ${this.namespace}`);
  }
}
