/**
 * A real, unmodified standalone Ironic (Debian) for end-to-end tests, run as
 * Debian packages it: the combined `ironic` process (ironic.cmd.singleprocess, API +
 * conductor, rpc_transport none), sqlite, noauth, fake hardware; optionally a
 * standalone ironic-inspector next to it. Listens on `hostIp`, the host end of
 * the test nodes' veth links, so agents inside node namespaces can reach it.
 *
 * The Ironic of a Debian suite: bookworm's (21.4) from the machine's packages,
 * trixie's (29) and forky's (35) run inside a cached debootstrapped root
 * (testbed/ironic-roots.ts), with the machine's network. The `baremetal` CLI,
 * ironic-dbsync and ironic-inspector come from the same suite.
 */
import type { AxiosInstance } from 'axios';
import { join } from 'node:path';
import { ExecaRunner } from '../common/exec/execa-runner.js';
import type { Runner } from '../common/exec/runner.js';
import type { Logger } from '../agent/logger.js';
import { assertIpv4, assertTag, randomSuffix } from './addresses.js';
import { liveCommandLine, readPid, stopDaemon, tailFile } from './daemon.js';
import { isLocalAddress, testbedUnavailableReason } from './host.js';
import { addAnchor, removeAnchor } from './host-net.js';
import { ensureIronicRoot, inRootArgv } from './ironic-roots.js';
import { ironicVersionIn, SUITE_PROFILES, type IronicSuite } from './ironic-suites.js';
import {
  DEFAULTS,
  inspectorUrl,
  ironicUrl,
  layout,
  resolveSettings,
  validateSettings,
  type IronicSettings,
  type ResolvedSettings,
} from './ironic-settings.js';
import {
  createNode,
  createOperatorApi,
  deleteNode,
  nodeShow,
  setProvisionState,
  waitForProvisionState,
  type IronicNode,
  type NodeSpec,
} from './ironic-nodes.js';
import { ALL_EXIT_CODES, choosePorts, launchIronic, prepareDirectories } from './ironic-launch.js';

/** Output of a `baremetal` CLI run. */
export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Dependencies of {@link IronicTestbed}. */
export interface IronicTestbedDeps {
  /** Runs dbsync, ip and the baremetal CLI. Default: ExecaRunner. */
  runner?: Runner;
  /** Receives progress messages. */
  logger?: Logger;
  /** Tag for the names of interfaces the test bed creates. Default 'tb'. */
  tag?: string;
  /** The Debian suite whose Ironic runs. Default 'bookworm' (the machine's packages). */
  suite?: IronicSuite;
}

/** One standalone Ironic (and optionally ironic-inspector); call stop() in an `after` hook. */
export class IronicTestbed {
  private readonly runner: Runner;
  private readonly logger: Logger | undefined;
  private readonly tag: string;
  private current: ResolvedSettings | undefined;
  private operatorApi: AxiosInstance | undefined;
  private anchor: string | undefined;
  /** The debootstrapped root Ironic runs in (undefined: the machine's own packages). */
  private root: string | undefined;
  private version: string | undefined;
  /** The Debian suite whose Ironic this test bed runs. */
  readonly suite: IronicSuite;

  constructor(deps: IronicTestbedDeps = {}) {
    this.runner = deps.runner ?? new ExecaRunner();
    this.logger = deps.logger;
    this.tag = deps.tag ?? 'tb';
    this.suite = deps.suite ?? 'bookworm';
    assertTag(this.tag);
  }

  /** The running Ironic's version, e.g. `29.0.5`. @throws Error before start(). */
  get ironicVersion(): string {
    if (this.version === undefined) throw new Error('The Ironic test bed is not started: call start() first');
    return this.version;
  }

  /**
   * Where the agent posts its inspection data: ironic-inspector's `/v1/continue`
   * (start with `inspector: true`), or, on releases without ironic-inspector,
   * Ironic's own `/v1/continue_inspection` (the `agent` inspect interface).
   */
  get inspectionCallbackUrl(): string {
    return SUITE_PROFILES[this.suite].inspection === 'inspector'
      ? `${this.inspectorUrl}/v1/continue`
      : `${this.url}/v1/continue_inspection`;
  }

  /** The settings in effect (defaults filled in, port chosen). @throws Error before start(). */
  get settings(): ResolvedSettings {
    if (this.current === undefined) throw new Error('The Ironic test bed is not started: call start() first');
    return this.current;
  }

  /** `http://<hostIp>:<port>`, what the agent uses as ipa-api-url. */
  get url(): string {
    return ironicUrl(this.settings);
  }

  /** `http://<hostIp>:<inspectorPort>` (meaningful with `inspector: true`). */
  get inspectorUrl(): string {
    return inspectorUrl(this.settings);
  }

  /** axios instance for the operator API, sending `X-OpenStack-Ironic-API-Version: 1.82`. */
  get api(): AxiosInstance {
    if (this.operatorApi === undefined) throw new Error('The Ironic test bed is not started: call start() first');
    return this.operatorApi;
  }

  /** Path of Ironic's own log (debug level). */
  get logFile(): string {
    return join(layout(this.settings.dir).log, 'ironic.log');
  }

  /**
   * Write the configuration, create or upgrade the databases, start ironic
   * (and ironic-inspector) and wait until the API answers `GET /` and lists the
   * fake-hardware driver. Nothing is started when validation fails.
   * @throws Error naming the bad setting, the missing package, the busy port, or
   *   the failed start-up with the tail of the logs.
   */
  async start(settings: IronicSettings): Promise<void> {
    if (this.current !== undefined)
      throw new Error(`The Ironic test bed is already running at ${this.url}: stop() it first`);
    const unavailable = testbedUnavailableReason(settings.inspector === true, this.suite);
    if (unavailable !== undefined) throw new Error(`Cannot start the Ironic test bed (${this.suite}): ${unavailable}`);
    assertIpv4(settings.hostIp, 'hostIp');
    const requested = resolveSettings(settings);
    validateSettings({ ...requested, port: requested.port === 0 ? DEFAULTS.port : requested.port });
    const p = layout(requested.dir);
    for (const pidFile of [p.ironicPid, p.inspectorPid]) {
      if (liveCommandLine(readPid(pidFile) ?? 0)?.includes(requested.dir) === true) {
        throw new Error(`A test bed process recorded in ${pidFile} is still running: stop it before starting again`);
      }
    }
    if (!isLocalAddress(requested.hostIp)) {
      this.anchor = `${this.tag}a${randomSuffix(6)}`;
      await addAnchor(this.runner, this.anchor, requested.hostIp);
    }
    try {
      this.root = SUITE_PROFILES[this.suite].fromHost
        ? undefined
        : await ensureIronicRoot(this.suite, { runner: this.runner });
      this.version = ironicVersionIn(this.root ?? '/') ?? 'unknown';
      this.current = await choosePorts(requested, settings.port);
      prepareDirectories(this.current, this.suite);
      await launchIronic(this.runner, this.current, (argv, dir) => this.inSuite(argv, dir));
    } catch (error) {
      await this.stop().catch(() => undefined);
      throw error;
    }
    this.operatorApi = createOperatorApi(ironicUrl(this.current));
    this.logger?.info('Ironic test bed ready', {
      url: this.url,
      ironic: this.version,
      suite: this.suite,
      inspector: this.current.inspector ? this.inspectorUrl : false,
      dir: this.current.dir,
    });
  }

  /** `argv` as run for this suite: as is on the machine, or inside the suite's root with the test bed directory. */
  private inSuite(argv: readonly string[], dir: string): string[] {
    return this.root === undefined ? [...argv] : inRootArgv(this.root, [dir], argv);
  }

  /**
   * The command line that runs a program of this suite's Ironic installation
   * (e.g. `oslo-config-validator`), with the test bed directory visible.
   * @throws Error before start().
   */
  commandLine(argv: readonly string[]): string[] {
    return this.inSuite(argv, this.settings.dir);
  }

  /**
   * Stop ironic-inspector and ironic by their recorded PIDs (SIGTERM, then
   * SIGKILL of the process group after 30 s) and remove the address anchor.
   * Idempotent; the directory (database, logs) is kept. In a root, the mounts
   * live in the processes' own mount namespace and go with them.
   */
  async stop(): Promise<void> {
    const s = this.current;
    if (s !== undefined) {
      const p = layout(s.dir);
      const inspector = await stopDaemon(p.inspectorPid, s.dir);
      const ironic = await stopDaemon(p.ironicPid, s.dir);
      this.logger?.info('Ironic test bed stopped', { ironic, inspector });
    }
    if (this.anchor !== undefined) await removeAnchor(this.runner, this.anchor);
    this.anchor = undefined;
    this.current = undefined;
    this.operatorApi = undefined;
  }

  /** Stop, then start again with `changes` applied (database and nodes survive). */
  async restart(changes: Partial<IronicSettings> = {}): Promise<void> {
    const previous = this.settings;
    await this.stop();
    await this.start({ ...previous, ...changes });
  }

  /**
   * Run the real `baremetal` CLI of this suite against this Ironic (noauth,
   * latest microversion). In a root, files it reads must be under /tmp,
   * /var/tmp or the test bed directory.
   * Avoid `node set`/`node unset` on trixie and forky: see {@link createNode}.
   */
  async baremetal(args: readonly string[], options: { timeoutMs?: number } = {}): Promise<CliResult> {
    const result = await this.runner.run(this.inSuite(['baremetal', ...args], this.settings.dir), {
      env: { OS_AUTH_TYPE: 'none', OS_ENDPOINT: this.url, OS_BAREMETAL_API_VERSION: 'latest' },
      okExitCodes: ALL_EXIT_CODES,
      timeoutMs: options.timeoutMs ?? 180_000,
    });
    return { exitCode: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr };
  }

  /**
   * Enrol a node with one port (see ironic-nodes.ts); returns its UUID. Give
   * every field (properties, driver_info, instance_info) here: on trixie and
   * forky any PATCH of a node makes it its own parent_node, after which every
   * power action fails (see testbed/README.md).
   */
  createNode(spec: NodeSpec): Promise<string> {
    return createNode(this.api, spec);
  }

  /** Delete the node and its ports (from enroll, manageable or available). */
  deleteNode(uuid: string): Promise<void> {
    return deleteNode(this.api, uuid);
  }

  /** GET the node. */
  nodeShow(uuid: string): Promise<IronicNode> {
    return nodeShow(this.api, uuid);
  }

  /** PUT a provision state target (e.g. 'manage', 'provide', 'active' with configdrive and deploy_steps). */
  setProvisionState(uuid: string, target: string, extra: Record<string, unknown> = {}): Promise<void> {
    return setProvisionState(this.api, uuid, target, extra);
  }

  /** Poll until the node reaches one of `states`; failures quote last_error and the tail of ironic.log. */
  waitForProvisionState(uuid: string, states: readonly string[], timeoutMs: number): Promise<IronicNode> {
    return waitForProvisionState(this.api, uuid, states, timeoutMs, {
      diagnostics: () => `--- last lines of ${this.logFile} ---\n${tailFile(this.logFile, 30)}`,
    });
  }
}
