/**
 * A test-bed node reachable over real SSH, for the fleet's SSH path: a
 * network namespace with an address only the test created (testbed/node.ts,
 * no disks), a real sshd (Debian's openssh-server) with its own host key,
 * config and authorized key, running in a private mount namespace where the
 * node's real ostree sysroot (testbed/ostree-sysroot.ts) is at
 * {@link NODE_SYSROOT} and /proc/cmdline and the boot id are the node's own
 * files, so that `reprovision status` sees the "boot" the node is in.
 *
 * Reboot cannot happen here: {@link SshNode.reboot} is the documented test
 * double of testbed/node-boot.ts. The node serves the reboots the product asks
 * for (the agent command records them, testbed/ssh-node-files.ts) while it
 * {@link SshNode.comesBack}; a node that "never comes back" is one whose
 * reboot double never runs.
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync, chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ExecaRunner } from '../common/exec/execa-runner.js';
import type { Runner } from '../common/exec/runner.js';
import { testbedAddresses } from './addresses.js';
import { liveCommandLine, tailFile } from './daemon.js';
import { rebootNode, type BootOutcome, type NodePaths } from './node-boot.js';
import {
  NODE_ENV,
  NODE_SSH_PORT,
  NODE_SYSROOT,
  nodeStartScript,
  REBOOT_REQUESTS,
  sshdConfig,
} from './ssh-node-files.js';
import { TestNode } from './node.js';
import type { SpawnedProcess } from './spawned.js';

/** What {@link SshNode.create} needs. */
export interface SshNodeOptions {
  /** The node's name (in the event log). */
  readonly name: string;
  /** A log shared by the nodes and the test: `<name> <event>` lines (testbed/ssh-node-files.ts NODE_ENV). */
  readonly eventLog?: string;
  /** Short tag prefixing every name (addresses.ts assertTag). */
  readonly tag: string;
  /** Node number in the test bed (its address). */
  readonly index: number;
  /** Per-run number mixed into the addresses (e.g. process.pid). */
  readonly salt: number;
  /** The node's physical ostree sysroot on this machine. */
  readonly sysroot: string;
  /** The public key (one authorized_keys line) the fleet logs in with. */
  readonly authorizedKey: string;
  /** Put first in PATH of the reboot double's units (the recent ostree's directory). */
  readonly binDir?: string;
  readonly runner?: Runner;
  /** Give up waiting for sshd after this long. Default 30 s. */
  readonly startTimeoutMs?: number;
}

/** A node with sshd; always call {@link SshNode.destroy}. */
export class SshNode {
  private sshd: SpawnedProcess | undefined;
  private served = 0;
  private watching: Promise<void> | undefined;
  private stopWatching = false;
  /** Whether the node serves the reboots asked of it; false: it "never comes back" (until set again). */
  comesBack = true;
  /** The reboots the double has done, in order. */
  readonly boots: BootOutcome[] = [];

  private constructor(
    /** The node's name. */
    readonly name: string,
    private readonly eventLog: string | undefined,
    private readonly node: TestNode,
    private readonly runner: Runner,
    /** The node's sysroot on this machine. */
    readonly sysroot: string,
    /** Where the node's files are (host key, config, cmdline, boot id, logs). */
    readonly paths: NodePaths,
    private readonly startTimeoutMs: number,
  ) {}

  /**
   * Create the namespace, the files and start sshd, waiting until it accepts
   * connections. On failure whatever was created is removed.
   * @throws Error naming the step that failed (with the tail of sshd's log).
   */
  static async create(options: SshNodeOptions): Promise<SshNode> {
    const runner = options.runner ?? new ExecaRunner();
    const { hostIp, nodeIp, mac } = testbedAddresses(options.tag, options.index, options.salt);
    const node = await TestNode.create({ tag: options.tag, mac, hostIp, nodeIp, disksGiB: [], runner });
    const paths: NodePaths = {
      sysroot: options.sysroot,
      cmdlineFile: join(node.dir, 'cmdline'),
      bootIdFile: join(node.dir, 'boot_id'),
      systemctlDir: join(node.dir, 'systemctl'),
      ...(options.binDir === undefined ? {} : { binDir: options.binDir }),
    };
    const sshNode = new SshNode(
      options.name,
      options.eventLog,
      node,
      runner,
      options.sysroot,
      paths,
      options.startTimeoutMs ?? 30_000,
    );
    try {
      await sshNode.setUp(options.authorizedKey);
    } catch (error) {
      await node.destroy().catch(() => undefined);
      throw error;
    }
    return sshNode;
  }

  private async setUp(authorizedKey: string): Promise<void> {
    const dir = this.node.dir;
    // Not booted into the sysroot yet: this machine's command line has no ostree= (reprovision sees a sysroot that is not running).
    writeFileSync(this.paths.cmdlineFile, readFileSync('/proc/cmdline', 'utf8').replace(/\bostree=\S+/g, ''));
    writeFileSync(this.paths.bootIdFile, `${randomUUID()}\n`);
    await this.runner.run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'ssh_host_ed25519_key')]);
    writeFileSync(join(dir, 'authorized_keys'), `${authorizedKey.trim()}\n`, { mode: 0o600 });
    const config = join(dir, 'sshd_config');
    writeFileSync(
      config,
      sshdConfig({
        address: this.address,
        port: this.port,
        hostKey: join(dir, 'ssh_host_ed25519_key'),
        authorizedKeys: join(dir, 'authorized_keys'),
        env: {
          [NODE_ENV.name]: this.name,
          [NODE_ENV.dir]: dir,
          ...(this.eventLog === undefined ? {} : { [NODE_ENV.events]: this.eventLog }),
        },
      }),
    );
    const start = join(dir, 'start.sh');
    writeFileSync(start, nodeStartScript({ ...this.paths, sshdConfig: config }));
    chmodSync(start, 0o755);
    // Mount points on this machine (empty here; the node binds into them in its own namespace), and sshd's privsep dir.
    mkdirSync(NODE_SYSROOT, { recursive: true });
    mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
    await this.startSshd();
    this.watching = this.serveReboots();
  }

  /** Serve each reboot request in turn while the node comes back (polled; ends at destroy). */
  private async serveReboots(): Promise<void> {
    const requests = join(this.node.dir, REBOOT_REQUESTS);
    while (!this.stopWatching) {
      const asked = existsSync(requests)
        ? readFileSync(requests, 'utf8')
            .split('\n')
            .filter((l) => l !== '').length
        : 0;
      if (asked > this.served && this.comesBack) {
        this.served += 1;
        await this.reboot().catch((error: unknown) => {
          this.event(`boot failed: ${error instanceof Error ? error.message : String(error)}`);
        });
        continue;
      }
      await sleep(200);
    }
  }

  private event(text: string): void {
    if (this.eventLog !== undefined) appendFileSync(this.eventLog, `${this.name} ${text}\n`);
  }

  /** The node's address (in its network namespace). */
  get address(): string {
    return this.node.nodeIp;
  }

  /** sshd's port. */
  get port(): number {
    return NODE_SSH_PORT;
  }

  /** The node's directory (sshd's log is `sshd.log` there). */
  get dir(): string {
    return this.node.dir;
  }

  /** The boot id the node reports now. */
  get bootId(): string {
    return readFileSync(this.paths.bootIdFile, 'utf8').trim();
  }

  /** Start sshd (again) and wait until it accepts connections. @throws Error with its log's tail */
  async startSshd(): Promise<void> {
    if (this.sshd?.running === true) return;
    this.sshd = await this.node.spawnAgent(['/bin/sh', join(this.node.dir, 'start.sh')], { logName: 'sshd' });
    const deadline = Date.now() + this.startTimeoutMs;
    while (!(await accepts(this.address, this.port))) {
      const log = join(this.node.dir, 'sshd.log');
      if (liveCommandLine(this.sshd.pid) === undefined) {
        throw new Error(`sshd of ${this.address} exited during start-up:\n${tailFile(log, 25)}`);
      }
      if (Date.now() > deadline) throw new Error(`sshd of ${this.address} not listening:\n${tailFile(log, 25)}`);
      await sleep(100);
    }
  }

  /** Stop sshd (the node becomes unreachable over SSH; its sysroot is untouched). */
  async stopSshd(): Promise<void> {
    await this.sshd?.stop();
  }

  /** The reboot double (testbed/node-boot.ts): what a shutdown and a boot of the new default deployment do. */
  async reboot(): Promise<BootOutcome> {
    const outcome = await rebootNode(this.paths, this.runner);
    this.boots.push(outcome);
    this.event(`booted ${outcome.deployment}`);
    return outcome;
  }

  /** Stop serving reboots and sshd, remove the namespace and the node's directory. */
  async destroy(): Promise<void> {
    this.stopWatching = true;
    await this.watching;
    await this.node.destroy();
  }
}

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.setTimeout(1000, () => done(false));
  });
}
