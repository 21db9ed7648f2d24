/**
 * The normal mode: inspection (optional), advertise address, TLS, lookup,
 * API, then heartbeats until stopped. IPA's startup order (agent.py run()).
 * Without api_url but with inspection_callback_url it only inspects and
 * serves the API (inspection-only.ts).
 */
import type { AgentCore } from './core.js';
import { apiAgent, resumeInterrupted } from './core.js';
import { setupTls, type TlsSetup } from './tls-setup.js';
import { IronicSession } from './session.js';
import { createApp } from '../api/app.js';
import { listenApi, type ApiServer } from '../api/server.js';
import { IronicClient } from '../ironic/client.js';
import { createIronicHttp } from '../ironic/http.js';
import { callbackUrl, createReachabilityProbe, findAdvertiseAddress } from '../ironic/advertise.js';
import type { Clock } from '../ironic/clock.js';
import { ConfigError } from '../../common/errors.js';
import { inspectionConfigured, runInspection } from './inspection-run.js';
import { startInspectionOnly } from './inspection-only.js';

/** Outcome of the mode: resolves with the exit code. */
export interface RunningAgent {
  exited: Promise<number>;
  stop(): Promise<void>;
}

/**
 * Start the agent against Ironic. Resolves once the API is up and heartbeats
 * started (or, without api_url, once inspection is done and the API is up).
 * @throws ConfigError when there is neither api_url nor inspection_callback_url
 */
export async function startIronicMode(core: AgentCore, clock: Clock): Promise<RunningAgent> {
  const { config, logger, runner } = core;
  const http = createIronicHttp({
    timeoutSec: config.httpRequestTimeout,
    insecure: config.insecure,
    cafile: config.cafile,
    certfile: config.certfile,
    keyfile: config.keyfile,
    version: core.state.version,
    requestId: config.globalRequestId,
  });
  if (config.apiUrls.length === 0) {
    if (inspectionConfigured(core)) return startInspectionOnly(core, http, clock);
    throw new ConfigError(
      'Neither api_url nor inspection_callback_url is set: set api_url (kernel ipa-api-url) to the Ironic API, ' +
        'e.g. http://192.0.2.1:6385, or inspection_callback_url (ipa-inspection-callback-url) to inspect only',
    );
  }
  const client = new IronicClient({
    http,
    urls: config.apiUrls,
    logger: logger.child({ module: 'ironic' }),
    requestId: config.globalRequestId,
    pinnedVersion: config.ironicApiVersion,
    timeoutMs: config.httpRequestTimeout * 1000,
  });
  const store = core.sessionStore;
  const nodeUuid = await runInspection(core, http, clock);
  const advertise = await findAdvertiseAddress({
    advertiseHost: config.advertiseHost,
    networkInterface: config.networkInterface,
    apiUrls: config.apiUrls,
    runner,
    clock,
    logger,
    attempts: config.ipLookupAttempts,
    sleepSec: config.ipLookupSleep,
    probe: createReachabilityProbe(http, config.httpRequestTimeout * 1000, logger),
  });
  let tls: TlsSetup = { protocol: config.advertiseProtocol, server: null, verifyCa: null };
  const url = (): string => callbackUrl(tls.protocol, advertise.host, config.advertisePort);
  let fail: (code: number) => void = () => undefined;
  const exited = new Promise<number>((resolve) => {
    fail = resolve;
  });
  const session = new IronicSession({
    client,
    state: core.state,
    executor: core.executor,
    logger: logger.child({ module: 'session' }),
    clock,
    random: Math.random,
    store,
    macs: () => macsFromInventory(core),
    nodeUuid,
    presharedToken: config.agentToken,
    lookupTimeoutSec: config.lookupTimeout,
    lookupIntervalSec: config.lookupInterval,
    callbackUrl: url,
    verifyCa: () => tls.verifyCa,
    agentVersion: core.state.version,
    onFatal: () => fail(1),
    onNewToken: () => {
      core.restored.resume = null;
    },
  });
  await session.connect();
  // After lookup, as IPA does: the API version is known by then (a failed discovery is not "old Ironic").
  tls = await setupTls(config, advertise.host, await client.supportsAutoTls(), store, logger);
  const previous = store.load()?.callbackUrl ?? null;
  if (previous !== null && previous !== url())
    logger.warn(
      'The callback URL changed since the last agent run in this boot; Ironic will refuse it until the node is power-cycled',
      { previous, current: url() },
    );
  store.update({ callbackUrl: url() });
  const server = await listenApi(createApp(apiAgent(core), logger.child({ module: 'api' })), {
    host: config.listenHost,
    port: config.listenPort,
    tls: tls.server,
  });
  logger.info('Agent API listening', { listen: `${config.listenHost}:${server.port}`, callbackUrl: url() });
  core.onAsyncComplete = () => session.force();
  // The host is going down: heartbeats would only make Ironic wait for a lock during tear-down.
  core.onPowerAction = (action) => {
    logger.info('Power action issued; no more heartbeats from this boot', { action });
    void session.stop();
  };
  core.lockdown = () => {
    lockdown(core, session, server).catch((error: unknown) =>
      logger.error('Lockdown failed', { error: error instanceof Error ? error.message : String(error) }),
    );
  };
  await resumeInterrupted(core);
  session.start();
  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      await session.stop();
      await server.close();
    })();
    return stopping;
  };
  return {
    exited: exited.then(async (code) => {
      await stop();
      return code;
    }),
    stop: async () => {
      await stop();
      fail(0);
    },
  };
}

/** IPA system.lockdown: stop serving and heartbeating, take every interface down, stay alive doing nothing. */
async function lockdown(core: AgentCore, session: IronicSession, server: ApiServer): Promise<void> {
  core.logger.warn('Locking down: stopping the API and heartbeats and taking the network down');
  await new Promise((r) => setTimeout(r, 200));
  await session.stop();
  await server.close();
  const links = await core.runner.run(['ip', '-j', 'link', 'show']).catch(() => ({ stdout: '[]' }));
  let parsed: Array<{ ifname?: string }> = [];
  try {
    parsed = JSON.parse(links.stdout || '[]') as Array<{ ifname?: string }>;
  } catch {
    core.logger.warn('Could not list the network interfaces to take them down');
  }
  for (const link of parsed) {
    if (link.ifname !== undefined && link.ifname !== 'lo')
      await core.runner.run(['ip', 'link', 'set', link.ifname, 'down']).catch(() => undefined);
  }
}

async function macsFromInventory(core: AgentCore): Promise<string[]> {
  const inventory = await core.dispatcher.dispatch('listHardwareInfo');
  const interfaces = Array.isArray(inventory['interfaces'])
    ? (inventory['interfaces'] as Array<{ mac_address?: unknown }>)
    : [];
  return interfaces.map((i) => i.mac_address).filter((m): m is string => typeof m === 'string' && m !== '');
}
