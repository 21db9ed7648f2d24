/**
 * The normal mode: inspection (optional), advertise address, lookup, TLS,
 * API, then heartbeats until stopped. IPA's startup order
 * (openstack/ironic-python-agent ironic_python_agent/agent.py run()).
 */
import type { AxiosInstance } from 'axios';
import type { ApiServer } from '../api/server.js';
import {
  callbackUrl,
  createReachabilityProbe,
  findAdvertiseAddress,
  type AdvertiseResult,
} from '../ironic/advertise.js';
import { IronicClient } from '../ironic/client.js';
import type { Clock } from '../../common/clock.js';
import { HardwareManagerMethodNotFound } from '../../common/errors.js';
import type { AgentCore } from './core.js';
import { runInspection } from './inspection-run.js';
import { takeNetworkDown } from './lockdown.js';
import { ExitCode, serveApi, type AgentMode } from './mode.js';
import { IronicSession } from './session.js';
import { setupTls, type TlsSetup } from './tls-setup.js';

/** How long lockdown waits before closing the API, so that the answer to `system.lockdown` gets out. */
const LOCKDOWN_ANSWER_MS = 200;

/** The agent against Ironic: lookup, heartbeats, the API. */
export class IronicMode implements AgentMode {
  private readonly exit = new ExitCode();
  readonly exited: Promise<number>;
  private running: { session: IronicSession; server: ApiServer } | null = null;
  private subscriptions: Array<() => void> = [];
  private stopping: Promise<void> | null = null;

  /** @param http - the HTTP client for Ironic (lookup, heartbeats, inspection callback) */
  constructor(
    private readonly core: AgentCore,
    private readonly http: AxiosInstance,
    private readonly clock: Clock,
  ) {
    // A fatal lookup failure (exit 1) stops the API and heartbeats before the process is told.
    this.exited = this.exit.decided.then(async (code) => {
      await this.halt();
      return code;
    });
  }

  /**
   * Resolves once the node was looked up, the API listens and heartbeats started.
   * @throws LookupNodeError when lookup_timeout passes; LookupAgentIPError without an address to advertise
   */
  async start(): Promise<void> {
    const { core, clock } = this;
    const { config, logger } = core;
    const client = this.client();
    const nodeUuid = await runInspection(core, this.http, clock);
    const advertise = await this.advertiseAddress();
    let tls: TlsSetup = { protocol: config.advertiseProtocol, server: null, verifyCa: null };
    const url = (): string => callbackUrl(tls.protocol, advertise.host, config.advertisePort);
    const session = new IronicSession({
      client,
      state: core.state,
      executor: core.executor,
      logger: logger.child({ module: 'session' }),
      clock,
      random: Math.random,
      store: core.sessionStore,
      macs: () => lookupMacs(core),
      nodeUuid,
      presharedToken: config.agentToken,
      lookupTimeoutSec: config.lookupTimeout,
      lookupIntervalSec: config.lookupInterval,
      callbackUrl: url,
      verifyCa: () => tls.verifyCa,
      agentVersion: core.state.version,
      onFatal: () => this.exit.exit(1),
      onNewToken: () => core.interrupted.discard(),
    });
    // Ask for Ironic's version while the MACs are read; lookup then awaits the same request (client.ts).
    void client.discoverVersion();
    await session.connect();
    // After lookup, as IPA does: the API version is known by then (a failed discovery is not "old Ironic").
    tls = await setupTls(config, advertise.host, await client.supportsAutoTls(), {
      store: core.sessionStore,
      logger,
      fs: core.fs,
      clock: core.clock,
    });
    this.recordCallbackUrl(url());
    const server = await serveApi(core, tls.server);
    logger.info('Agent API listening', { listen: `${config.listenHost}:${server.port}`, callbackUrl: url() });
    this.running = { session, server };
    this.subscribe(session, server);
    await core.interrupted.resume();
    session.start();
  }

  /** Stop heartbeating and serving; `exited` resolves with 0. */
  async stop(): Promise<void> {
    await this.halt();
    this.exit.exit(0);
  }

  private client(): IronicClient {
    const { config, logger } = this.core;
    return new IronicClient({
      http: this.http,
      urls: config.apiUrls,
      logger: logger.child({ module: 'ironic' }),
      requestId: config.globalRequestId,
      pinnedVersion: config.ironicApiVersion,
      timeoutMs: config.httpRequestTimeout * 1000,
    });
  }

  private advertiseAddress(): Promise<AdvertiseResult> {
    const { config, logger, runner } = this.core;
    return findAdvertiseAddress({
      advertiseHost: config.advertiseHost,
      networkInterface: config.networkInterface,
      apiUrls: config.apiUrls,
      runner,
      clock: this.clock,
      logger,
      attempts: config.ipLookupAttempts,
      sleepSec: config.ipLookupSleep,
      probe: createReachabilityProbe(this.http, config.httpRequestTimeout * 1000, logger),
    });
  }

  /** Ironic refuses a callback URL that changed within one boot; say so, then remember this one. */
  private recordCallbackUrl(url: string): void {
    const { sessionStore, logger } = this.core;
    const previous = sessionStore.load()?.callbackUrl ?? null;
    if (previous !== null && previous !== url)
      logger.warn(
        'The callback URL changed since the last agent run in this boot; Ironic will refuse it until the node is power-cycled',
        { previous, current: url },
      );
    sessionStore.update({ callbackUrl: url });
  }

  private subscribe(session: IronicSession, server: ApiServer): void {
    const { events, logger } = this.core;
    this.subscriptions = [
      events.on('commandFinished', () => session.force()),
      // The host is going down: heartbeats would only make Ironic wait for a lock during tear-down.
      events.on('powerAction', (action) => {
        logger.info('Power action issued; no more heartbeats from this boot', { action });
        void session.stop();
      }),
      events.on('lockdown', () => {
        this.lockdown(session, server).catch((error: unknown) =>
          logger.error('Lockdown failed', { error: error instanceof Error ? error.message : String(error) }),
        );
      }),
    ];
  }

  /** IPA system.lockdown: stop serving and heartbeating, take every interface down, stay alive doing nothing. */
  private async lockdown(session: IronicSession, server: ApiServer): Promise<void> {
    this.core.logger.warn('Locking down: stopping the API and heartbeats and taking the network down');
    await this.clock.sleep(LOCKDOWN_ANSWER_MS);
    await session.stop();
    await server.close();
    await takeNetworkDown(this.core.runner, this.core.logger);
  }

  /** Unsubscribe, stop heartbeats, close the API (once). */
  private halt(): Promise<void> {
    this.stopping ??= (async () => {
      for (const unsubscribe of this.subscriptions) unsubscribe();
      if (this.running === null) return;
      await this.running.session.stop();
      await this.running.server.close();
    })();
    return this.stopping;
  }
}

/**
 * The MACs to look the node up with: every inventory interface's. IPA collects
 * the whole inventory first (ironic_python_agent/agent.py run() passes
 * list_hardware_info() to lookup_node, which sends only the interfaces'
 * mac_address); the same addresses come from a manager's listMacAddresses
 * without lshw, lscpu, lsblk or dmidecode. Managers without it are asked for
 * the inventory, as IPA does.
 */
async function lookupMacs(core: AgentCore): Promise<string[]> {
  let macs: string[];
  try {
    macs = await core.dispatcher.dispatch('listMacAddresses');
  } catch (error) {
    if (!(error instanceof HardwareManagerMethodNotFound)) throw error;
    const inventory = await core.dispatcher.dispatch('listHardwareInfo');
    macs = inventory.interfaces.map((i) => i.mac_address);
  }
  return macs.filter((m) => m !== '');
}
