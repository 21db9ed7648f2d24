/**
 * The inspection-only start: `inspection_callback_url` without `api_url`,
 * which is how Ironic boots the ramdisk for in-band inspection (only
 * `ipa-inspection-callback-url` on the kernel command line; openstack/ironic
 * ironic/drivers/modules/inspector/interface.py prepare_managed_inspection adds
 * `ipa-api-url` only with fast-track).
 *
 * As openstack/ironic-python-agent ironic_python_agent/agent.py run(): inspect,
 * log that lookup and heartbeat are skipped, then serve the API (plain HTTP
 * unless listen_tls: auto-TLS needs Ironic's API version) until stopped.
 * Ironic powers the node off once it has processed the data.
 */
import type { AxiosInstance } from 'axios';
import type { AgentCore } from './core.js';
import { apiAgent } from './core.js';
import { runInspection } from './inspection-run.js';
import { setupTls, type TlsSetup } from './tls-setup.js';
import type { RunningAgent } from './ironic-mode.js';
import { createApp } from '../api/app.js';
import { listenApi } from '../api/server.js';
import type { Clock } from '../ironic/clock.js';

/** Inspect, then serve the API without lookup or heartbeats. Resolves once listening. */
export async function startInspectionOnly(core: AgentCore, http: AxiosInstance, clock: Clock): Promise<RunningAgent> {
  const { config, logger } = core;
  await runInspection(core, http, clock);
  logger.info('No api_url: lookup and heartbeats are skipped after inspection; serving the API until stopped', {
    inspectionCallbackUrl: config.inspectionCallbackUrl,
  });
  const plain: TlsSetup = { protocol: 'http', server: null, verifyCa: null };
  const tls = config.listenTls ? await setupTls(config, config.listenHost, false, core.sessionStore, logger) : plain;
  const server = await listenApi(createApp(apiAgent(core), logger.child({ module: 'api' })), {
    host: config.listenHost,
    port: config.listenPort,
    tls: tls.server,
  });
  logger.info('Agent API listening', { listen: `${config.listenHost}:${server.port}`, protocol: tls.protocol });
  let done: (code: number) => void = () => undefined;
  const exited = new Promise<number>((resolve) => {
    done = resolve;
  });
  core.lockdown = () => {
    void server.close();
  };
  return {
    exited,
    stop: async () => {
      await server.close();
      done(0);
    },
  };
}
